package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.gkguardian.api.VipAddress;
import org.junit.jupiter.api.Test;

class IpCommandsTest {
    private final VipSettings settings;
    private final VipAddress v4;
    private final VipAddress v6;

    IpCommandsTest() throws Exception {
        settings = ConfigValidator.validate(Configs.config("vips",
                new String[] {"203.0.113.10/24@eth1,2001:db8::10/64@eth1"}, "dad_count", 2, "dad_interval_ms", 100,
                "dad_timeout_ms", 1000, "arping_command", "/usr/sbin/arping"), Path.of("/tmp/x"));
        v4 = settings.vips().get(0);
        v6 = settings.vips().get(1);
    }

    @Test
    void addsIpv4WithOurLabelAndIpv6WithoutOne() {
        IpCommands commands = new IpCommands(settings);
        assertEquals(List.of("ip", "addr", "add", "203.0.113.10/24", "dev", "eth1", "label", "eth1:gkg"),
                commands.add(v4));
        assertEquals(List.of("ip", "addr", "add", "2001:db8:0:0:0:0:0:10/64", "dev", "eth1"), commands.add(v6));
        assertEquals(List.of("ip", "addr", "del", "203.0.113.10/24", "dev", "eth1"), commands.delete(v4));
        assertEquals(List.of("ip", "-j", "addr", "show", "dev", "eth1"), commands.show("eth1"));
    }

    @Test
    void labelsFitTheKernelLimitAndStartWithTheInterfaceName() {
        assertEquals("eth1:gkg", IpCommands.label("eth1"));
        assertEquals("enp0s31f6:gkg", IpCommands.label("enp0s31f6"));
        assertEquals("a23456789012:gk", IpCommands.label("a23456789012"));
        assertEquals("a234567890123:g", IpCommands.label("a234567890123"));
        assertEquals("", IpCommands.label("a2345678901234"));
        assertEquals("", IpCommands.label(v6));
    }

    @Test
    void watchesAddressesWithOneLongRunningMonitorAndAnnouncesIpv6WithAnUnsolicitedAdvertisement() {
        IpCommands commands = new IpCommands(settings);
        assertEquals(List.of("ip", "-o", "monitor", "address"), commands.monitor());
        assertEquals(List.of("na6", "-i", "eth1", "-s", "2001:db8:0:0:0:0:0:10", "-d", "ff02::1", "-t",
                "2001:db8:0:0:0:0:0:10", "-o", "-e"), commands.announceIpv6(v6));
    }

    @Test
    void withoutAnNaCommandIpv6AnnouncementsAreLeftToTheKernel() throws Exception {
        VipSettings kernel = ConfigValidator.validate(Configs.config("vips", new String[] {"2001:db8::10/64@eth1"},
                "na_command", ""), Path.of("/tmp/x"));
        assertEquals(List.of(), new IpCommands(kernel).announceIpv6(kernel.vips().get(0)));
    }
}
