package org.gkguardian.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one run's probe file into a result line and a PNG timeline.
 *
 * <pre>java -cp testbed.jar org.gkguardian.testbed.Analyze --probes probes.csv --fault-us 1700000000000000
 *      --scenario kill-9 --system gkg-fast --run 3 --names "aa:..=n1,bb:..=n2" --results results.csv
 *      [--heal-us T] [--end-us T] [--roles watcher.log] [--png timeline.png] [--expect-takeover] [--expect-no-double]</pre>
 *
 * With {@code --expect-takeover} it exits 1 unless a new owner answered after the fault; with
 * {@code --expect-no-double} it exits 1 if any request was answered by two hosts. It prints one
 * line; the results file gets {@code scenario,system,run,arp_outage_ms,arp_takeover_ms,sip_outage_ms,sip_takeover_ms,
 * double_answers,settle_ms,owner_changes,snmp_settle_ms,unrecovered} (with {@code --end-us}, the window's end, the
 * outages include a silence that lasted to the end, and unrecovered is 1 when the VIP had not come back; settle: heal to a single owner as the terminal saw it;
 * snmp_settle: heal to one master as the NMS's {@link RoleWatch} saw it; -1 where not measured).
 */
public final class Analyze {

    /** A silence this long at the end of the window means the VIP had not come back. */
    static final double UNRECOVERED_MILLIS = 1000;

    private Analyze() {
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments = new Arguments(args);
        List<Probe> probes = read(Path.of(arguments.required("--probes")));
        long fault = Long.parseLong(arguments.required("--fault-us"));
        Map<String, String> names = names(arguments.optional("--names", ""));
        Timeline arp = Timeline.analyze(probes, "arp", fault);
        Timeline sip = Timeline.analyze(probes, "sip", fault);
        // The outage also counts a silence that lasted to the end of the window: the VIP never came back.
        double arpOutage = arp.outageMillis();
        double sipOutage = sip.outageMillis();
        boolean unrecovered = false;
        if (arguments.has("--end-us")) {
            long end = Long.parseLong(arguments.required("--end-us"));
            double arpTail = Timeline.silenceAtEndMillis(probes, "arp", fault, end);
            unrecovered = arpTail > UNRECOVERED_MILLIS;
            arpOutage = Math.max(arpOutage, arpTail);
            if (probes.stream().anyMatch(p -> p.kind().equals("sip"))) {
                sipOutage = Math.max(sipOutage, Timeline.silenceAtEndMillis(probes, "sip", fault, end));
            }
        }
        double settle = arguments.has("--heal-us")
                ? Timeline.settleMillis(probes, "arp", Long.parseLong(arguments.required("--heal-us"))) : -1;
        int changes = Timeline.ownerChanges(probes, "arp", fault);
        double snmpSettle = -1;
        if (arguments.has("--roles") && arguments.has("--heal-us")) {
            snmpSettle = RoleWatch.parse(Files.readAllLines(Path.of(arguments.required("--roles"))))
                    .settleMillis(Long.parseLong(arguments.required("--heal-us")));
        }
        String line = String.format(Locale.ROOT, "%s,%s,%s,%.1f,%.1f,%.1f,%.1f,%d,%.1f,%d,%.1f,%d",
                arguments.required("--scenario"), arguments.required("--system"), arguments.optional("--run", "1"),
                arpOutage, arp.takeoverMillis(), sipOutage, sip.takeoverMillis(),
                arp.doubleAnswers() + sip.doubleAnswers(), settle, changes, snmpSettle, unrecovered ? 1 : 0);
        System.out.printf(Locale.ROOT, "%s/%s run %s: ARP owner %s -> %s, outage %.0f ms, new owner after %.0f ms; "
                + "SIP outage %.0f ms; requests answered twice: %d; owner changes %d; single owner %.0f ms after the "
                + "heal (%.0f ms by SNMP)%s%n", arguments.required("--system"), arguments.required("--scenario"),
                arguments.optional("--run", "1"), arp.oldOwner().map(o -> names.getOrDefault(o, o)).orElse("none"),
                arp.newOwner().map(o -> names.getOrDefault(o, o)).orElse("none"), arpOutage,
                arp.takeoverMillis(), sipOutage, arp.doubleAnswers() + sip.doubleAnswers(), changes, settle,
                snmpSettle, unrecovered ? "; NOBODY ANSWERED FOR THE VIP AT THE END OF THE WINDOW" : "");
        if (arguments.has("--results")) {
            Files.writeString(Path.of(arguments.required("--results")), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (arguments.has("--png")) {
            TimelinePlot.write(Path.of(arguments.required("--png")),
                    arguments.required("--scenario") + " / " + arguments.required("--system") + " / run "
                            + arguments.optional("--run", "1"), probes, fault, names, arp);
        }
        int status = 0;
        if (arguments.has("--expect-takeover") && arp.newOwner().isEmpty()) {
            System.out.println("FAIL: no other host answered for the VIP after the fault");
            status = 1;
        }
        if (arguments.has("--expect-no-double") && arp.doubleAnswers() + sip.doubleAnswers() > 0) {
            System.out.println("FAIL: two hosts answered for the VIP at once");
            status = 1;
        }
        System.exit(status);
    }

    static List<Probe> read(Path file) throws IOException {
        List<Probe> probes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                probes.add(Probe.parse(line));
            }
        }
        return probes;
    }

    static Map<String, String> names(String spec) {
        Map<String, String> names = new HashMap<>();
        for (String pair : spec.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                names.put(pair.substring(0, equals).trim().toLowerCase(Locale.ROOT), pair.substring(equals + 1).trim());
            }
        }
        return names;
    }
}
