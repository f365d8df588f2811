package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CapabilityDropTest {

    private static final String UNDER_THE_UNIT = "Name:\tjava\nCapInh:\t0000000000003000\nCapPrm:\t0000000000003000\n"
            + "CapEff:\t0000000000003000\nCapBnd:\t0000000000003000\nCapAmb:\t0000000000003000\nNoNewPrivs:\t1\n";
    private static final String PLAIN = "Name:\tjava\nCapInh:\t0000000000000000\nCapAmb:\t0000000000000000\n";

    @Test
    void underTheSystemdUnitEveryChildStartsWithoutTheCapabilities() {
        List<String> prefix = CapabilityDrop.prefix(UNDER_THE_UNIT, true);
        assertEquals(List.of("/usr/bin/setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--", "kamailio", "-DD"),
                new CommandRunner(java.util.Optional.empty(), prefix).launchable(List.of("kamailio", "-DD")));
    }

    @Test
    void withoutAmbientCapabilitiesCommandsRunAsConfigured() {
        assertEquals(List.of(), CapabilityDrop.prefix(PLAIN, true));
        assertEquals(List.of("kamailio"), new CommandRunner(java.util.Optional.empty(),
                CapabilityDrop.prefix(PLAIN, true)).launchable(List.of("kamailio")));
        assertEquals(List.of(), CapabilityDrop.prefix(UNDER_THE_UNIT, false), "no setpriv: warned, run as is");
    }

    /**
     * The kernel's view, not only the argument list: a process set up as the unit sets up the JVM (user nobody,
     * CAP_NET_ADMIN and CAP_NET_RAW ambient and inheritable) reads its own status, CapabilityDrop picks the prefix
     * from it, and the command CommandRunner launches with that prefix holds no capability at all; launched as
     * configured, without the prefix, it would hold both.
     */
    @Test
    void aCommandLaunchedFromAProcessWithTheUnitsCapabilitiesHoldsNone() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(CapabilityDrop.SETPRIV),
                "needs root (to take user nobody with ambient capabilities) and setpriv");
        String asTheUnit = underTheUnit("cat", "/proc/self/status");
        assertEquals("0000000000003000", field(asTheUnit, "CapAmb"), asTheUnit);
        List<String> prefix = CapabilityDrop.prefix(asTheUnit, true);

        String gatekeeper = underTheUnit(new CommandRunner(Optional.empty(), prefix).launchable(
                List.of("cat", "/proc/self/status")).toArray(String[]::new));
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapAmb")) {
            assertEquals("0000000000000000", field(gatekeeper, set), set + " of the gatekeeper:\n" + gatekeeper);
        }
        String withoutPrefix = underTheUnit("cat", "/proc/self/status");
        assertEquals("0000000000003000", field(withoutPrefix, "CapEff"), "the same command without the prefix");
    }

    /** Runs the command as the unit's JVM would run it: uid nobody, the unit's two capabilities ambient. */
    private static String underTheUnit(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(CapabilityDrop.SETPRIV.toString(), "--reuid=65534",
                "--regid=65534", "--clear-groups", "--inh-caps=+net_admin,+net_raw",
                "--ambient-caps=+net_admin,+net_raw", "--"));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "setpriv did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                .findFirst().orElse("(no " + name + ")");
    }
}
