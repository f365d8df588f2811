package org.gkguardian.guardian.internal;

import java.util.function.LongPredicate;

/**
 * Whether the witness may stand in for the members this node does not hear (quorum policy witness).
 *
 * <p>A witness that answers proves that this node is connected, not that a silent peer is dead. When this node was
 * cut off itself (a probe went unanswered, or its internal LAN went down), its peer may have become master on the
 * other side meanwhile, and is heard again only once the channel has merged the healed partition, seconds after the
 * witness answers again. Until then the witness does not stand in: the healed node waits as a backup instead of
 * standing for an epoch of its own and meeting the other side's VIP on the public side (issue 15: the conflict kept
 * it in fault for another 25 s). The wait ends when every peer has been heard since the reconnection (the views
 * merged, or they never split) or when the channel has had time to merge, after which a peer still silent is
 * taken for dead as usual.
 *
 * <p>Role thread only.
 */
final class WitnessWatch {

    private final long answerValidNanos;
    private final long rejoinNanos;
    private long answeredNanos = Long.MIN_VALUE;
    /** A probe went unanswered or the LAN went down, and the witness has not answered since. */
    private boolean cutOff;
    /** When the witness answered again after this node was cut off; MIN_VALUE while no merge is awaited. */
    private long reconnectedNanos = Long.MIN_VALUE;

    /**
     * @param answerValidNanos how long an answer counts (the voters' promise)
     * @param rejoinNanos      how long after a reconnection the channel may still be merging the two sides
     */
    WitnessWatch(long answerValidNanos, long rejoinNanos) {
        this.answerValidNanos = answerValidNanos;
        this.rejoinNanos = rejoinNanos;
    }

    /**
     * The result of one probe; true when it is the first answer after this node was cut off. A miss before the first
     * answer is not a cut: there was nothing to be cut from.
     */
    boolean probed(boolean answered, long atNanos) {
        if (!answered) {
            if (answeredNanos != Long.MIN_VALUE) {
                cutOff = true;
            }
            return false;
        }
        answeredNanos = Math.max(answeredNanos, atNanos);
        if (!cutOff) {
            return false;
        }
        cutOff = false;
        reconnectedNanos = atNanos;
        return true;
    }

    /** This node's internal LAN: down cuts it off from its peers whatever the witness answers. */
    void lan(boolean up) {
        if (!up) {
            cutOff = true;
        }
    }

    /**
     * Whether a fresh answer counts for the members not heard now.
     *
     * @param everyPeerHeardSince whether every other member was heard (with a round trip) at or after the given time
     */
    boolean standsIn(long now, LongPredicate everyPeerHeardSince) {
        if (cutOff || answeredNanos == Long.MIN_VALUE || now - answeredNanos > answerValidNanos) {
            return false;
        }
        if (reconnectedNanos != Long.MIN_VALUE
                && (now - reconnectedNanos >= rejoinNanos || everyPeerHeardSince.test(reconnectedNanos))) {
            reconnectedNanos = Long.MIN_VALUE;
        }
        return reconnectedNanos == Long.MIN_VALUE;
    }
}
