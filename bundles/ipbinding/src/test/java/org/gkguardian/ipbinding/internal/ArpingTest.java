package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.gkguardian.api.VipAddress;
import org.junit.jupiter.api.Test;

class ArpingTest {
    private final FakeNetwork net = new FakeNetwork();
    private final VipAddress vip;

    ArpingTest() throws Exception {
        vip = new VipAddress(InetAddress.getByName("203.0.113.10"), 24, "eth1");
    }

    private Arping detect() throws ArpingDetector.UnusableArping {
        return ArpingDetector.detect(net, "arping", Duration.ofSeconds(1));
    }

    @Test
    void recognisesHabetsByItsBanner() throws Exception {
        assertEquals(new Arping.Habets("arping"), detect());
    }

    @Test
    void recognisesIputilsByItsVersion() throws Exception {
        net.arping = FakeNetwork.ArpingKind.IPUTILS;
        assertEquals(new Arping.Iputils("arping"), detect());
        assertEquals(1, net.log.size(), "-V alone tells");
    }

    @Test
    void refusesAnythingElseNamingTheCommandWhatItSaidAndThePackages() {
        net.arping = FakeNetwork.ArpingKind.BUSYBOX;
        ArpingDetector.UnusableArping e = assertThrows(ArpingDetector.UnusableArping.class, this::detect);
        assertEquals("arping.command 'arping' is neither Thomas Habets' ARPing 2.x nor iputils' arping (it answered -V "
                + "with 'BusyBox v1.36.1 (Debian 1:1.36.1-3) multi-call binary.'): " + ArpingDetector.INSTALL, e.getMessage());
        net.arping = FakeNetwork.ArpingKind.MISSING;
        e = assertThrows(ArpingDetector.UnusableArping.class, this::detect);
        assertTrue(e.getMessage().startsWith("arping.command 'arping' cannot be run (Cannot run program"), e.getMessage());
        assertTrue(e.getMessage().endsWith("install Debian package arping (Thomas Habets' ARPing 2.x) or iputils-arping "
                + "(iputils' arping), or set arping.command to one of them"), e.getMessage());
    }

    @Test
    void habetsProbesFromZeroWithFractionalSecondsAndExitsZeroWhenAnswered() throws Exception {
        Arping habets = new Arping.Habets("/usr/sbin/arping");
        assertEquals(List.of("/usr/sbin/arping", "-q", "-0", "-i", "eth1", "-c", "2", "-C", "1", "-W", "0.100", "-w",
                "0.150", "203.0.113.10"), habets.probe(vip, 2, Duration.ofMillis(100), Duration.ofMillis(150)));
        assertEquals(Arping.Probe.TAKEN, habets.probeResult(new CommandRunner.Result(0, "", "")));
        assertEquals(Arping.Probe.FREE, habets.probeResult(new CommandRunner.Result(1, "", "")));
        IOException e = assertThrows(IOException.class, () -> habets.probeResult(new CommandRunner.Result(1, "",
                "arping: libnet_init(LIBNET_LINK, eth9): libnet_check_iface() ioctl: No such device\n")));
        assertTrue(e.getMessage().contains("No such device"), e.getMessage());
    }

    @Test
    void iputilsProbesWithDashDInWholeSecondsAndExitsOneWhenAnswered() throws Exception {
        Arping iputils = new Arping.Iputils("arping");
        assertEquals(List.of("arping", "-q", "-D", "-I", "eth1", "-c", "2", "-w", "1", "203.0.113.10"),
                iputils.probe(vip, 2, Duration.ofMillis(100), Duration.ofMillis(150)));
        assertEquals("3", iputils.probe(vip, 2, Duration.ofMillis(100), Duration.ofMillis(2001)).get(8));
        assertEquals(Arping.Probe.FREE, iputils.probeResult(new CommandRunner.Result(0, "", "")));
        assertEquals(Arping.Probe.TAKEN, iputils.probeResult(new CommandRunner.Result(1, "", "")));
        assertThrows(IOException.class, () -> iputils.probeResult(new CommandRunner.Result(2, "",
                "arping: Device eth9 not available.\n")));
        // Its errors exit 1 too, with a message: never a conflict.
        assertThrows(IOException.class, () -> iputils.probeResult(new CommandRunner.Result(1, "",
                "arping: invalid argument: '0.1'\n")));
    }

    @Test
    void bothAnnounceWithAGratuitousArpRequestEachWithItsOwnOptions() {
        assertEquals(List.of("arping", "-q", "-U", "-i", "eth1", "-S", "203.0.113.10", "-c", "1", "-w", "0",
                "203.0.113.10"), new Arping.Habets("arping").announce(vip));
        assertEquals(List.of("arping", "-q", "-U", "-I", "eth1", "-s", "203.0.113.10", "-c", "1", "203.0.113.10"),
                new Arping.Iputils("arping").announce(vip));
        assertTrue(new Arping.Habets("arping").announced(new CommandRunner.Result(1, "", "")));
        assertFalse(new Arping.Habets("arping").announced(new CommandRunner.Result(1, "", "arping: bad\n")));
        assertTrue(new Arping.Iputils("arping").announced(new CommandRunner.Result(0, "", "")));
        assertFalse(new Arping.Iputils("arping").announced(new CommandRunner.Result(2, "", "Device eth9 not available.\n")));
        assertInstanceOf(Arping.class, new Arping.Iputils("x"));
    }
}
