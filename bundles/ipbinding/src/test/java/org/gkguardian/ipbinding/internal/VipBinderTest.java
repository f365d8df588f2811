package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gkguardian.api.VipControl.VipException;
import org.gkguardian.api.VipStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VipBinderTest {
    @TempDir
    Path dir;

    private final FakeNetwork net = new FakeNetwork().withInterface("eth1", "203.0.113.11/24")
            .withInterface("eth2", "198.51.100.11/24");

    private VipBinder binder(String... vips) throws ConfigException {
        return new VipBinder(ConfigValidator.validate(Configs.config("vips", vips, "state_file",
                dir.resolve("bound-vips").toString()), dir.resolve("unused")), net);
    }

    @Test
    void bindsWithLabelRecordsStateAndReadsBack() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1", "2001:db8::10/64@eth2");
        binder.bind();
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
        assertEquals("eth1:gkg", net.interfaces.get("eth1").get(1).label());
        assertEquals(2, net.cidrs("eth2").size());
        assertEquals(List.of("203.0.113.10/24@eth1", "2001:db8:0:0:0:0:0:10/64@eth2"),
                Files.readAllLines(dir.resolve("bound-vips")));
        assertTrue(binder.status().stream().allMatch(VipStatus::bound));
        assertEquals(1, net.count("arping", "-0"), "one ARP probe for the one IPv4 VIP");
    }

    @Test
    void bindIsIdempotent() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        binder.bind();
        int commands = net.log.size();
        binder.bind();
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
        assertEquals(List.of(List.of("ip", "-j", "addr", "show", "dev", "eth1")), net.log.subList(commands, net.log.size()));
    }

    @Test
    void anotherHostAnsweringArpIsAConflictAndNothingIsBound() throws Exception {
        net.heldElsewhere.add("203.0.113.10");
        VipBinder binder = binder("203.0.113.20/24@eth1", "203.0.113.10/24@eth1");
        VipException e = assertThrows(VipException.class, binder::bind);
        assertTrue(e.conflict());
        assertTrue(e.getMessage().contains("203.0.113.10"), e.getMessage());
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
        assertEquals(0, net.count("ip", "add"));
        assertTrue(binder.status().get(1).detail().contains("another host"));
    }

    @Test
    void ipv6DuplicateDetectedByTheKernelIsAConflictAndRolledBack() throws Exception {
        net.heldElsewhere.add("2001:db8::10");
        VipBinder binder = binder("203.0.113.10/24@eth1", "2001:db8::10/64@eth1");
        VipException e = assertThrows(VipException.class, binder::bind);
        assertTrue(e.conflict());
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
    }

    @Test
    void aMissingInterfaceIsAFaultNotAConflict() throws Exception {
        VipException e = assertThrows(VipException.class, () -> binder("203.0.113.10/24@eth9").bind());
        assertFalse(e.conflict());
        assertTrue(e.getMessage().contains("eth9"), e.getMessage());
    }

    @Test
    void aProbeThatCannotRunRefusesToBind() throws Exception {
        net.arpingMissing = true;
        VipException e = assertThrows(VipException.class, () -> binder("203.0.113.10/24@eth1").bind());
        assertFalse(e.conflict());
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
    }

    @Test
    void sameAddressWithAnotherPrefixIsReplaced() throws Exception {
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.10/32", "eth1", false));
        binder("203.0.113.10/24@eth1").bind();
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
    }

    @Test
    void releaseRemovesConfiguredLabelledAndRecordedAddressesAndIsIdempotent() throws Exception {
        Files.writeString(dir.resolve("bound-vips"), "2001:db8::99/64@eth2\n");
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.10/24", "eth1:gkg", false));
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.77/24", "eth1:gkg", false));
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.78/24", "eth1:other", false));
        net.interfaces.get("eth2").add(new FakeNetwork.Addr("2001:db8::99/64", "", false));
        VipBinder binder = binder("203.0.113.10/24@eth1");
        assertTrue(binder.release());
        assertEquals(List.of("203.0.113.11/24", "203.0.113.78/24"), net.cidrs("eth1"));
        assertEquals(List.of("198.51.100.11/24"), net.cidrs("eth2"));
        assertFalse(Files.exists(dir.resolve("bound-vips")));
        int commands = net.log.size();
        assertTrue(binder.release());
        assertEquals(1, net.log.size() - commands, "a second release only reads the interface");
    }

    @Test
    void aReleaseThatDoesNotTakeIsReportedAndKeepsTheStateFile() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        binder.bind();
        net.ignoreDelete = true;
        assertFalse(binder.release());
        assertTrue(Files.exists(dir.resolve("bound-vips")));
        assertEquals("still bound after release", binder.status().get(0).detail());
    }

    @Test
    void releaseOfAnInterfaceThatIsGoneSucceeds() throws Exception {
        assertTrue(binder("203.0.113.10/24@eth9").release());
    }

    @Test
    void announceSendsOneGratuitousArpOrNeighbourAdvertisementPerVip() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1", "2001:db8::10/64@eth1");
        binder.bind();
        binder.announce();
        assertEquals(1, net.count("arping", "-U"));
        assertEquals(1, net.count("na6", "-o"));
        assertTrue(binder.status().stream().allMatch(s -> s.detail().isEmpty()));
    }

    @Test
    void aFailedAnnouncementShowsInStatus() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        binder.bind();
        net.arpingMissing = true;
        binder.announce();
        assertTrue(binder.status().get(0).bound());
        assertTrue(binder.status().get(0).detail().startsWith("announcing"), binder.status().get(0).detail());
    }
}
