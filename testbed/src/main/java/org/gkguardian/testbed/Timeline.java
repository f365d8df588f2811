package org.gkguardian.testbed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a terminal saw around one fault, from the prober's answers of one kind (ARP or SIP).
 *
 * @param kind            {@code arp} or {@code sip}
 * @param oldOwner        who answered last before the fault, if anyone did
 * @param newOwner        the first other responder after the fault, if any
 * @param outageMillis    the longest silence that ends after the fault (from the last answer before
 *                        it, or from the fault itself), in milliseconds; -1 if no answer came after it
 * @param takeoverMillis  fault to the first answer of {@code newOwner}; -1 if none came
 * @param doubleAnswers   requests answered by two different responders (two hosts held the VIP)
 * @param firstDoubleMicros time of the first such answer, or -1
 * @param lastDoubleMicros time of the last such answer, or -1
 */
public record Timeline(String kind, Optional<String> oldOwner, Optional<String> newOwner, double outageMillis,
        double takeoverMillis, int doubleAnswers, long firstDoubleMicros, long lastDoubleMicros) {

    public static Timeline analyze(List<Probe> allProbes, String kind, long faultMicros) {
        List<Probe> probes = ofKind(allProbes, kind);

        Optional<String> oldOwner = Optional.empty();
        long lastBefore = faultMicros;
        for (Probe probe : probes) {
            if (probe.atMicros() <= faultMicros) {
                oldOwner = Optional.of(probe.responder());
                lastBefore = probe.atMicros();
            }
        }

        double outage = -1;
        long previous = lastBefore;
        boolean answeredAfter = false;
        for (Probe probe : probes) {
            if (probe.atMicros() > faultMicros) {
                outage = Math.max(outage, (probe.atMicros() - previous) / 1000.0);
                previous = probe.atMicros();
                answeredAfter = true;
            }
        }
        if (!answeredAfter) {
            outage = -1;
        }

        Optional<String> newOwner = Optional.empty();
        double takeover = -1;
        for (Probe probe : probes) {
            if (probe.atMicros() > faultMicros && !oldOwner.map(probe.responder()::equals).orElse(false)) {
                newOwner = Optional.of(probe.responder());
                takeover = (probe.atMicros() - faultMicros) / 1000.0;
                break;
            }
        }

        Map<Long, Set<String>> respondersBySequence = new HashMap<>();
        int doubles = 0;
        long firstDouble = -1;
        long lastDouble = -1;
        for (Probe probe : probes) {
            Set<String> responders = respondersBySequence.computeIfAbsent(probe.sequence(), s -> new HashSet<>());
            if (responders.add(probe.responder()) && responders.size() == 2) {
                doubles++;
                firstDouble = firstDouble < 0 ? probe.atMicros() : firstDouble;
                lastDouble = probe.atMicros();
            }
        }
        return new Timeline(kind, oldOwner, newOwner, outage, takeover, doubles, firstDouble, lastDouble);
    }
    /** A silence longer than this after the heal (20 probe intervals) means nobody was master for a while. */
    static final long SILENCE_MICROS = 200_000;

    /**
     * How long after a fault healed (SIGCONT, cable back, partition lifted) the terminal saw a single master again:
     * from the heal to the first answer of the final owner after which nobody else answered, no request was
     * answered twice and no silence of more than 200 ms came. 0 if that owner already answered alone at the heal
     * and kept doing so; -1 if nobody answered after the heal.
     */
    public static double settleMillis(List<Probe> allProbes, String kind, long healMicros) {
        List<Probe> probes = ofKind(allProbes, kind);
        if (probes.isEmpty() || probes.get(probes.size() - 1).atMicros() <= healMicros) {
            return -1;
        }
        String finalOwner = probes.get(probes.size() - 1).responder();
        Set<Long> doubled = doubledSequences(probes);
        String ownerAtHeal = null;
        long lastBad = Long.MIN_VALUE;
        long previous = Long.MIN_VALUE;
        for (Probe probe : probes) {
            if (probe.atMicros() <= healMicros) {
                ownerAtHeal = probe.responder();
            } else if (!probe.responder().equals(finalOwner) || doubled.contains(probe.sequence())
                    || probe.atMicros() - Math.max(previous, healMicros) > SILENCE_MICROS) {
                // A silence is bad up to its last moment: the answer that ends it may be the first good one.
                lastBad = probe.responder().equals(finalOwner) && !doubled.contains(probe.sequence())
                        ? probe.atMicros() - 1 : probe.atMicros();
            }
            previous = probe.atMicros();
        }
        if (lastBad == Long.MIN_VALUE && finalOwner.equals(ownerAtHeal)) {
            return 0;
        }
        long after = Math.max(lastBad, healMicros);
        for (Probe probe : probes) {
            if (probe.atMicros() > after && probe.responder().equals(finalOwner)) {
                return (probe.atMicros() - healMicros) / 1000.0;
            }
        }
        return -1;
    }

    /**
     * How often the set of hosts answering for the VIP changed after the fault: 1 for a clean failover, 0 when
     * the owner stayed, more when the role went back and forth (a false failover, flapping).
     */
    public static int ownerChanges(List<Probe> allProbes, String kind, long faultMicros) {
        Map<Long, Set<String>> bySequence = new TreeMap<>();
        Map<Long, Long> firstAnswer = new HashMap<>();
        for (Probe probe : ofKind(allProbes, kind)) {
            bySequence.computeIfAbsent(probe.sequence(), s -> new HashSet<>()).add(probe.responder());
            firstAnswer.merge(probe.sequence(), probe.atMicros(), Math::min);
        }
        int changes = 0;
        Set<String> before = null;
        for (Map.Entry<Long, Set<String>> e : bySequence.entrySet()) {
            if (before != null && !before.equals(e.getValue()) && firstAnswer.get(e.getKey()) > faultMicros) {
                changes++;
            }
            before = e.getValue();
        }
        return changes;
    }

    /**
     * The silence at the end of the prober's window: from the last answer after the fault (or the fault itself)
     * to the end, in milliseconds. A long one means the VIP had not come back when the window closed, and the
     * outage lasted at least that long.
     */
    public static double silenceAtEndMillis(List<Probe> allProbes, String kind, long faultMicros, long endMicros) {
        long last = faultMicros;
        for (Probe probe : ofKind(allProbes, kind)) {
            last = Math.max(last, probe.atMicros());
        }
        return Math.max(0, endMicros - last) / 1000.0;
    }

    private static List<Probe> ofKind(List<Probe> allProbes, String kind) {
        List<Probe> probes = new ArrayList<>();
        for (Probe probe : allProbes) {
            if (probe.kind().equals(kind)) {
                probes.add(probe);
            }
        }
        probes.sort(Comparator.comparingLong(Probe::atMicros));
        return probes;
    }

    private static Set<Long> doubledSequences(List<Probe> probes) {
        Map<Long, Set<String>> responders = new HashMap<>();
        Set<Long> doubled = new HashSet<>();
        for (Probe probe : probes) {
            Set<String> r = responders.computeIfAbsent(probe.sequence(), s -> new HashSet<>());
            if (r.add(probe.responder()) && r.size() > 1) {
                doubled.add(probe.sequence());
            }
        }
        return doubled;
    }
}
