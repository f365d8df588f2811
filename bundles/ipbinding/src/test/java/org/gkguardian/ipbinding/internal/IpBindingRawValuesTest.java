package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipControl.VipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A raw value DS would coerce to a default: the component refuses it and never binds on it. */
class IpBindingRawValuesTest {
    @TempDir
    Path dir;

    private final FakeNetwork net = new FakeNetwork().withInterface("eth1", "203.0.113.11/24");
    private final RoleContext master = new RoleContext("n1", Role.MASTER, 7, List.of());

    private IpBindingConfig config(String vip) {
        // dad.enabled as DS hands it over for "ture": false.
        return Configs.config("vips", new String[] {vip}, "state_file", dir.resolve("bound-vips").toString(),
                "garp_count", 1, "dad_enabled", false);
    }

    @Test
    void activatedWithATypoItBindsNothingAndSaysWhy() {
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), Map.of("dad.enabled", "ture"), net);
        assertTrue(binding.configured().isEmpty());
        VipException e = assertThrows(VipException.class, () -> binding.bind(master));
        assertTrue(e.getMessage().contains("dad.enabled = 'ture'"), e.getMessage());
        assertTrue(net.log.isEmpty(), "nothing ran: " + net.log);
        binding.deactivate();
    }

    @Test
    void aTypoInAChangeKeepsTheLastGoodConfigurationAndTheBoundVip() throws Exception {
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), Map.of("dad.enabled", "false"), net);
        binding.bind(master);
        binding.reconfigure(config("203.0.113.20/24@eth1"), Map.of("dad.enabled", "ture"));
        assertEquals("203.0.113.10/24", binding.configured().get(0).cidr());
        assertTrue(binding.status().get(0).bound());
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
        binding.deactivate();
    }
}
