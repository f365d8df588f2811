package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members whose life line ended (the channel saw their connection close). The end of a TCP connection is no proof: a
 * host without the secret can forge it. So the member is asked over the authenticated channel whether it lives;
 * without an answer within the allowance its death is believed, from the moment the line ended. Role thread only.
 */
final class LifeChecks {

    private static final Logger LOG = LoggerFactory.getLogger(LifeChecks.class);

    /** A member whose death is believed, and since when it is dead (the end of its life line). */
    record Death(InetAddress member, long sinceNanos) {
    }

    private record Sent(long nonce, long sinceNanos) {
    }

    private final String nodeName;
    private final InetAddress self;
    private final long incarnation;
    private final long allowanceNanos;
    private final Function<InetAddress, String> names;
    private final Map<InetAddress, Sent> asked = new HashMap<>();
    private final OncePerMinute answerWarnings = new OncePerMinute();
    private long count;

    /**
     * @param incarnation    random number of this run: the questions' nonces differ from any other run's
     * @param allowanceNanos how long a member has to answer
     * @param names          a member's name, for the log
     */
    LifeChecks(String nodeName, InetAddress self, long incarnation, long allowanceNanos,
            Function<InetAddress, String> names) {
        this.nodeName = nodeName;
        this.self = self;
        this.incarnation = incarnation;
        this.allowanceNanos = allowanceNanos;
        this.names = names;
    }

    /** The member's life line ended: the question to send it, or empty when it is being asked already. */
    Optional<Wire.LifeCheck> lineEnded(InetAddress member, long now) {
        if (asked.containsKey(member)) {
            return Optional.empty();
        }
        long nonce = incarnation ^ (++count * 0x9E3779B97F4A7C15L);
        asked.put(member, new Sent(nonce, now));
        LOG.debug("{}: the life line to {} ended; asking it over the channel", nodeName, names.apply(member));
        return Optional.of(new Wire.LifeCheck(nonce, self, member));
    }

    /** Whether the member is being asked (its death may be believed soon). */
    boolean asking(InetAddress member) {
        return asked.containsKey(member);
    }

    /**
     * The question is answered in another way: the member showed it lives (it renewed its lease), or its launcher
     * reported its death (its obituary). Nothing is believed from the question any more.
     */
    void settled(InetAddress member) {
        asked.remove(member);
    }

    /**
     * An answer: when it answers our question, the question is closed and a warning logged (at most once a minute per
     * member: a network reset, or a forged segment).
     */
    void answered(Wire.LifeCheckAck a, long now) {
        Sent sent = asked.get(a.from());
        if (sent == null || sent.nonce() != a.nonce() || !a.to().equals(self)) {
            return;
        }
        asked.remove(a.from());
        if (answerWarnings.due(a.from(), now)) {
            String who = names.apply(a.from());
            LOG.warn("{}: the life line to {} ended but {} answered over the authenticated channel within {} ms: not a "
                    + "death (a network reset, or a forged TCP segment on the internal LAN)", nodeName, who, who,
                    (now - sent.sinceNanos()) / 1_000_000L);
        }
    }

    /** When the first death of a member being asked is due to be believed ({@link #due}); MAX_VALUE when none. */
    long nextDue() {
        long first = Long.MAX_VALUE;
        for (Sent s : asked.values()) {
            first = Math.min(first, s.sinceNanos() + allowanceNanos);
        }
        return first;
    }

    /** When the member's death is due to be believed, if it is being asked. */
    OptionalLong dueAt(InetAddress member) {
        Sent s = asked.get(member);
        return s == null ? OptionalLong.empty() : OptionalLong.of(s.sinceNanos() + allowanceNanos);
    }

    /** When the member's life line ended, if it is being asked. */
    OptionalLong lineEndedAt(InetAddress member) {
        Sent s = asked.get(member);
        return s == null ? OptionalLong.empty() : OptionalLong.of(s.sinceNanos());
    }

    /** The members that did not answer within the allowance: dead from the end of their life line. */
    List<Death> due(long now) {
        List<Death> dead = new ArrayList<>();
        for (var it = asked.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (now - e.getValue().sinceNanos() < allowanceNanos) {
                continue;
            }
            it.remove();
            LOG.info("Guardian {} saw the process of {} die (its life line ended and it did not answer within {} ms)",
                    nodeName, names.apply(e.getKey()), allowanceNanos / 1_000_000L);
            dead.add(new Death(e.getKey(), e.getValue().sinceNanos()));
        }
        return dead;
    }
}
