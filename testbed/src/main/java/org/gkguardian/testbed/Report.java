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
 * Prints the benchmark table from the result lines {@link Analyze} appended: per scenario and
 * system, min/median/max of the ARP outage (ms) seen by the terminal, and the ratio of the median to
 * keepalived's at the given advert interval.
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
                    .add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[7])});
        }
        System.out.println(String.format(Locale.ROOT, "%-22s %-16s %4s %24s %24s %8s %7s", "scenario", "system",
                "runs", "outage ms min/med/max", "new owner ms min/med/max", "doubles", "ratio"));
        for (var scenario : byScenario.entrySet()) {
            List<double[]> base = scenario.getValue().get(baseline);
            double baseMedian = base == null ? Double.NaN : median(column(base, 0));
            for (var system : scenario.getValue().entrySet()) {
                List<Double> outage = column(system.getValue(), 0);
                List<Double> takeover = column(system.getValue(), 1);
                int doubles = (int) column(system.getValue(), 2).stream().mapToDouble(Double::doubleValue).sum();
                System.out.println(String.format(Locale.ROOT, "%-22s %-16s %4d %24s %24s %8d %7s", scenario.getKey(),
                        system.getKey(), outage.size(), triple(outage), triple(takeover), doubles,
                        Double.isNaN(baseMedian) ? "-" : String.format(Locale.ROOT, "%.2f",
                                median(outage) / baseMedian)));
            }
        }
    }

    private static List<Double> column(List<double[]> rows, int index) {
        List<Double> values = new ArrayList<>();
        for (double[] row : rows) {
            values.add(row[index]);
        }
        return values;
    }

    static String triple(List<Double> values) {
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
