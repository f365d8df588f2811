package org.gkguardian.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the benchmark table from the result lines {@link Analyze} appended: per scenario and system,
 * min/median/max of the ARP outage, the takeover and the SIP outage (ms) the terminal saw, requests answered by two
 * hosts, owner changes, the median time from the heal to a single owner, and the ratio of the median time to a new
 * owner to the baseline system's (keepalived at advert_int 0.1 by default).
 *
 * <pre>java -cp testbed.jar org.gkguardian.testbed.Report results.csv [baseline-system]</pre>
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args[0]);
        String baseline = args.length > 1 ? args[1] : "keepalived-0.1";
        Map<String, Map<String, List<double[]>>> byScenario = new LinkedHashMap<>();
        for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            byScenario.computeIfAbsent(f[0], s -> new LinkedHashMap<>()).computeIfAbsent(f[1], s -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[7]),
                        f.length > 8 ? Double.parseDouble(f[8]) : -1, f.length > 9 ? Double.parseDouble(f[9]) : 0,
                        Double.parseDouble(f[5]), f.length > 10 ? Double.parseDouble(f[10]) : -1,
                        f.length > 11 ? Double.parseDouble(f[11]) : 0});
        }
        System.out.println(String.format(Locale.ROOT, "%-11s %-15s %4s %17s %17s %17s %7s %7s %12s %12s %6s %7s",
                "scenario", "system", "runs", "outage ms", "new owner ms", "SIP outage ms", "doubles", "changes",
                "1 owner ms", "1 master ms", "ratio", "no VIP"));
        System.out.println(String.format(Locale.ROOT, "%-11s %-15s %4s %17s %17s %17s %7s %7s %12s %12s %6s %7s", "",
                "", "", "min/med/max", "min/med/max", "min/med/max", "", "", "heal, med", "SNMP, med", "", "at end"));
        for (var scenario : byScenario.entrySet()) {
            List<double[]> base = scenario.getValue().get(baseline);
            List<Double> baseTakeover = base == null ? List.of() : measured(column(base, 1));
            double baseMedian = baseTakeover.isEmpty() ? Double.NaN : median(baseTakeover);
            for (var system : scenario.getValue().entrySet()) {
                List<Double> outage = measured(column(system.getValue(), 0));
                List<Double> takeover = measured(column(system.getValue(), 1));
                List<Double> sipOutage = measured(column(system.getValue(), 5));
                List<Double> settle = measured(column(system.getValue(), 3));
                List<Double> snmpSettle = measured(column(system.getValue(), 6));
                int doubles = (int) column(system.getValue(), 2).stream().mapToDouble(Double::doubleValue).sum();
                int changes = (int) column(system.getValue(), 4).stream().mapToDouble(Double::doubleValue).sum();
                int unrecovered = (int) column(system.getValue(), 7).stream().mapToDouble(Double::doubleValue).sum();
                double ratio = takeover.isEmpty() || Double.isNaN(baseMedian) || baseMedian <= 0 ? Double.NaN
                        : median(takeover) / baseMedian;
                System.out.println(String.format(Locale.ROOT, "%-11s %-15s %4d %17s %17s %17s %7d %7d %12s %12s %6s %7d",
                        scenario.getKey(), system.getKey(), system.getValue().size(), triple(outage),
                        triple(takeover), triple(sipOutage), doubles, changes,
                        medianOrDash(settle), medianOrDash(snmpSettle),
                        Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio), unrecovered));
            }
        }
        System.out.println("outage: longest time the terminal got no ARP answer for the VIP after the fault; new owner: "
                + "fault to the first answer of another host; doubles: requests two hosts answered; changes: owner "
                + "changes summed over the runs; 1 owner: heal to a single host answering; 1 master: heal to every node the "
                + "NMS reaches agreeing on one master (gkgNodeRole); ratio: median time to a new owner / "
                + baseline + "'s (a host that keeps the VIP after its keepalived died or stopped still answers ARP, "
                + "so a short outage there is no service); no VIP at end: runs whose window closed with nobody answering for the VIP (their outage "
                + "counts to the window's end, a lower bound); '-': not measured (no answer, no gatekeeper, or no heal in that scenario).");
    }

    private static String medianOrDash(List<Double> values) {
        return values.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", median(values));
    }

    /** The values that were measured: -1 marks none (no answer came, or the scenario has no such moment). */
    private static List<Double> measured(List<Double> values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            if (v >= 0) {
                out.add(v);
            }
        }
        return out;
    }

    private static List<Double> column(List<double[]> rows, int index) {
        List<Double> values = new ArrayList<>();
        for (double[] row : rows) {
            values.add(row[index]);
        }
        return values;
    }

    static String triple(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f", sorted.get(0), median(sorted), sorted.get(sorted.size() - 1));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
