package org.gkguardian.testbed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        List<Probe> probes = new ArrayList<>();
        for (Probe probe : allProbes) {
            if (probe.kind().equals(kind)) {
                probes.add(probe);
            }
        }
        probes.sort(Comparator.comparingLong(Probe::atMicros));

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
}
