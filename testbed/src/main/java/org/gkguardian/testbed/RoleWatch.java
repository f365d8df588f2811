package org.gkguardian.testbed;

import java.util.ArrayList;
import java.util.List;

/**
 * The NMS's view of the cluster: the roles the watcher read from every node over SNMP (gkgNodeRole), one sample per
 * line, {@code <micros> <role of node 1> <role of node 2> ...}, a role being the MIB's number ({@code 3} = master)
 * or {@code -} when the node did not answer.
 */
public final class RoleWatch {

    static final String MASTER = "3";

    private final List<long[]> samples = new ArrayList<>();
    private final List<Integer> masters = new ArrayList<>();

    private RoleWatch() {
    }

    public static RoleWatch parse(List<String> lines) {
        RoleWatch watch = new RoleWatch();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].matches("\\d+")) {
                continue;
            }
            int count = 0;
            for (int i = 1; i < f.length; i++) {
                if (f[i].equals(MASTER)) {
                    count++;
                }
            }
            watch.samples.add(new long[] {Long.parseLong(f[0])});
            watch.masters.add(count);
        }
        return watch;
    }

    /**
     * From the heal to the first sample after which every node that answered agreed on exactly one master; 0 if
     * that already held at the heal and kept holding; -1 if it never did by the end of the samples.
     */
    public double settleMillis(long healMicros) {
        int lastBad = -1;
        int atHeal = -1;
        for (int i = 0; i < samples.size(); i++) {
            long at = samples.get(i)[0];
            if (at <= healMicros) {
                atHeal = i;
            } else if (masters.get(i) != 1) {
                lastBad = i;
            }
        }
        if (samples.isEmpty() || samples.get(samples.size() - 1)[0] <= healMicros) {
            return -1;
        }
        if (lastBad < 0) {
            return atHeal >= 0 && masters.get(atHeal) == 1 ? 0 : (samples.get(atHeal + 1)[0] - healMicros) / 1000.0;
        }
        if (lastBad == samples.size() - 1) {
            return -1;
        }
        return (samples.get(lastBad + 1)[0] - healMicros) / 1000.0;
    }
}
