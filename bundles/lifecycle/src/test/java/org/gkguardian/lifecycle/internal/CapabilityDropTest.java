package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
}
