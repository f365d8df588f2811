package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node sees for the election: whether its partition holds quorum (alarmed when it loses it), which members
 * it sees, and whether it knows enough yet to take part. Role thread only.
 */
final class Electorate {

    private static final Logger LOG = LoggerFactory.getLogger(Electorate.class);

    private final Supplier<Settings> settings;
    private final PeerTracker peers;
    private final Agreement agreement;
    private final WitnessWatch witnessWatch;
    private final Notices notices;
    private final Predicate<InetAddress> lifeChecked;
    private final long promiseNanos;
    private final long standEarlyNanos;
    private QuorumState quorum = QuorumState.UNKNOWN;
    private boolean settledOnce;

    /**
     * @param lifeChecked     whether a member's life line ended and it is being asked whether it lives
     * @param standEarlyNanos how long before the voters' promise to a silent master runs out its successor gets ready
     */
    Electorate(Supplier<Settings> settings, PeerTracker peers, Agreement agreement, WitnessWatch witnessWatch,
            Notices notices, Predicate<InetAddress> lifeChecked, long promiseNanos, long standEarlyNanos) {
        this.settings = settings;
        this.peers = peers;
        this.agreement = agreement;
        this.witnessWatch = witnessWatch;
        this.notices = notices;
        this.lifeChecked = lifeChecked;
        this.promiseNanos = promiseNanos;
        this.standEarlyNanos = standEarlyNanos;
    }

    /** Whether this partition holds quorum now, under the configured policy. */
    QuorumState quorum(long now) {
        Settings s = settings.get();
        int heard = 1 + peers.quorumCount(now, promiseNanos);
        return switch (s.quorumPolicy()) {
            case NONE -> QuorumState.NOT_REQUIRED;
            case MAJORITY -> heard >= s.quorumSize() ? QuorumState.QUORATE : QuorumState.LOST;
            case WITNESS -> heard == s.members().size() || witnessStandsIn(now) ? QuorumState.QUORATE
                    : QuorumState.LOST;
        };
    }

    /** Whether this node's internal LAN link is up: a node cut off does not take the witness's word. */
    void lan(boolean up) {
        witnessWatch.lan(up);
    }

    /** The witness answered (or not) at {@code atNanos}; true when its answer stands in for the silent members. */
    boolean witnessAnswered(boolean answered, long atNanos) {
        if (witnessWatch.probed(answered, atNanos)) {
            Settings s = settings.get();
            LOG.info("The witness answers {} again; it stands in for a silent member only once the channel has merged "
                    + "or after {} ms", s.nodeName(), s.timings().rejoinMs());
        }
        return answered && witnessStandsIn(atNanos);
    }

    /** See {@link WitnessWatch#standsIn}: a peer heard since this node reconnected shows that the views merged. */
    boolean witnessStandsIn(long now) {
        int others = settings.get().members().size() - 1;
        return witnessWatch.standsIn(now, since -> peers.heardCount(now, now - since) == others);
    }

    /** The quorum last shown. */
    QuorumState shown() {
        return quorum;
    }

    /**
     * Shows the quorum {@code q}, with an alarm while it is lost; a loss counts only once this node has settled.
     * Returns whether what it shows changed.
     */
    boolean show(QuorumState q, boolean settled) {
        if (q == quorum || (!settled && q == QuorumState.LOST)) {
            return false;
        }
        QuorumState before = quorum;
        quorum = q;
        if (q == QuorumState.LOST) {
            notices.raise(EventType.QUORUM_LOST, Cause.QUORUM, Map.of(), "quorum-lost", Severity.CRITICAL,
                    "this partition does not hold quorum (" + settings.get().quorumPolicy().label() + ")");
        } else if (before == QuorumState.LOST) {
            notices.cleared(EventType.QUORUM_REGAINED, "quorum-lost", Cause.QUORUM, Map.of());
        }
        return true;
    }

    /**
     * This node and every member heard within the presence window, except a master whose lease this node no longer
     * backs: once its promise ran out (or its process died), it is not the master the election should keep.
     */
    List<MemberState> visible(MemberState self, long now) {
        List<MemberState> out = new ArrayList<>();
        out.add(self);
        for (PeerTracker.Peer p : peers.freshPeers(now)) {
            MemberState m = p.state();
            if (m.role() == Role.MASTER && agreement.lapsed(m.internalAddress(), now)) {
                continue;
            }
            out.add(m);
        }
        return out;
    }

    /**
     * The visible members as a node that is not master elects from: a master whose promise runs out soon, or whose
     * life line ended, counts as gone already, so that its successor gets ready meanwhile. Nothing is bound before
     * the voters grant it.
     */
    List<MemberState> withoutMastersLapsingSoon(List<MemberState> visible, long now) {
        String me = settings.get().nodeName();
        List<MemberState> out = new ArrayList<>(visible.size());
        for (MemberState m : visible) {
            if (m.role() == Role.MASTER && !m.name().equals(me)
                    && (agreement.lapsesWithin(m.internalAddress(), now, standEarlyNanos)
                            || lifeChecked.test(m.internalAddress()))) {
                continue;
            }
            out.add(m);
        }
        return out;
    }

    /**
     * Whether this node knows enough to take part in an election: not right after a pause, past the startup grace
     * (or it has heard every configured member), and it holds a current state of every member it hears. A state is
     * dropped as soon as its member falls silent, so an old state is never combined with a new sign of life; a
     * member heard again counts only once its new state has been handled.
     *
     * @param distrustUntil until when this node ignores what it hears after a pause
     * @param startedNanos  when this node started
     */
    boolean settled(long now, long distrustUntil, long startedNanos) {
        if (now < distrustUntil) {
            return false;
        }
        Settings s = settings.get();
        long grace = s.timings().startupGraceMs() * 1_000_000L;
        for (Map.Entry<InetAddress, Long> e : peers.inView().entrySet()) {
            InetAddress a = e.getKey();
            // A member whose process died is not waited for, though the channel keeps it in the view a while longer
            // (VERIFY_SUSPECT): a node restarted within the startup grace would otherwise not stand until then.
            if (peers.hasState(a) || peers.dead(a)) {
                continue;
            }
            if (peers.fresh(a, now) || now - e.getValue() < grace) {
                return false;
            }
        }
        if (settledOnce) {
            return true;
        }
        boolean heardAll = s.members().stream()
                .filter(a -> !a.equals(s.internalAddress()))
                .allMatch(a -> peers.hasState(a) && peers.fresh(a, now));
        if (heardAll || now - startedNanos >= s.startupGraceMs() * 1_000_000L) {
            settledOnce = true;
            return true;
        }
        return false;
    }
}
