package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipControl.VipException;
import org.gkguardian.api.VipStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VipBinderTest {
    @TempDir
    Path dir;

    private final FakeNetwork net = new FakeNetwork().withInterface("eth1", "203.0.113.11/24")
            .withInterface("eth2", "198.51.100.11/24");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private VipBinder binder(String... vips) throws ConfigException {
        return binder(Configs.config("vips", vips, "state_file", dir.resolve("bound-vips").toString()));
    }

    private VipBinder binder(IpBindingConfig config) throws ConfigException {
        return binder(config, null);
    }

    private VipBinder binder(IpBindingConfig config, SocketArpTool socket) throws ConfigException {
        VipSettings settings = ConfigValidator.validate(config, dir.resolve("unused"));
        AddressWatch watch = new AddressWatch(settings.vips().stream().map(VipAddress::interfaceName).distinct().toList(),
                settings, net, scheduler);
        watch.start();
        VipBinder binder = new VipBinder(settings, net, watch, java.util.Optional.ofNullable(socket));
        binder.detectArping();
        return binder;
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
        assertEquals(List.of(), net.log.subList(commands, net.log.size()), "a bound VIP is known from memory");
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
    void withTheArpSocketNoArpingRunsAndAHolderAnsweringItsProbeIsStillAConflict() throws Exception {
        SocketArpToolTest.FakeLink link = new SocketArpToolTest.FakeLink();
        link.lan = p -> {
            if (p.targetIp().equals(ArpPacketTest.VIP) && !p.senderIp().equals(ArpPacketTest.VIP)) {
                link.arrive(new ArpPacket(ArpPacket.REPLY, ArpPacketTest.THEIR_MAC, ArpPacketTest.VIP,
                        ArpPacketTest.OUR_MAC, p.senderIp()));
            }
        };
        try (SocketArpTool socket = new SocketArpTool(java.util.Optional::empty, name -> link)) {
            VipBinder binder = binder(Configs.config("vips", new String[] {"203.0.113.10/24@eth1"}, "state_file",
                    dir.resolve("bound-vips").toString()), socket);
            VipException e = assertThrows(VipException.class, binder::bind);
            assertTrue(e.conflict(), e.getMessage());
            assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
            link.lan = p -> { };
            binder.bind();
            assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
            assertEquals(0, net.log.stream().filter(c -> c.get(0).equals("arping")).count(), "no arping process");
            assertTrue(link.sent.contains(ArpPacket.announcementRequest(ArpPacketTest.OUR_MAC, ArpPacketTest.VIP)),
                    "the first gratuitous ARP left through the socket");
            assertTrue(link.sent.size() >= 3, "probes and the announcement on the one socket opened at activation");
            assertEquals(java.time.Duration.ofMillis(55), binder.probeTime(), "the 50 ms window and next to nothing");
        }
    }

    @Test
    void whenTheArpSocketCannotBeOpenedArpingServes() throws Exception {
        try (SocketArpTool socket = new SocketArpTool(() -> java.util.Optional.of("no CAP_NET_RAW"), name -> {
            throw new java.io.IOException("unused");
        })) {
            VipBinder binder = binder(Configs.config("vips", new String[] {"203.0.113.10/24@eth1"}, "state_file",
                    dir.resolve("bound-vips").toString()), socket);
            binder.bind();
            assertEquals(1, net.count("arping", "-0"), "the probe ran as arping");
        }
    }

    @Test
    void arpSocketFalseKeepsArping() throws Exception {
        try (SocketArpTool socket = new SocketArpTool(java.util.Optional::empty, name -> {
            throw new java.io.IOException("must not be opened");
        })) {
            VipBinder binder = binder(Configs.config("vips", new String[] {"203.0.113.10/24@eth1"}, "state_file",
                    dir.resolve("bound-vips").toString(), "arp_socket", false), socket);
            binder.bind();
            assertEquals(1, net.count("arping", "-0"));
            assertEquals(java.time.Duration.ofMillis(200), binder.probeTime(),
                    "arping's window raised to 100 ms (its deadline includes its own start) and the process");
            assertTrue(net.log.stream().anyMatch(c -> c.get(0).equals("arping") && c.contains("-w")
                    && c.get(c.indexOf("-w") + 1).equals("0.100")), "arping ran with a 100 ms deadline: " + net.log);
        }
    }

    @Test
    void aHandedOverBindSkipsTheDuplicateCheckButStillAnnouncesAndReadsBack() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        binder.bindHandedOver(java.util.Optional.empty());
        assertEquals(0, net.count("arping", "-0"), "no probe: the previous master released it and said so");
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
        assertTrue(binder.status().get(0).bound());
    }

    @Test
    void aBindTakesTheAnswerOfTheCheckStartedAheadInsteadOfProbingAgain() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        var early = binder.startProbe();
        assertTrue(early.isPresent());
        assertEquals(1, net.count("arping", "-0"));
        binder.bind(early);
        assertEquals(1, net.count("arping", "-0"), "the check started ahead answered for the bind");
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
    }

    @Test
    void aHostStillFoundWhenAskedAgainAtTheBindIsAConflict() throws Exception {
        net.heldElsewhere.add("203.0.113.10");
        VipBinder binder = binder("203.0.113.10/24@eth1");
        var early = binder.startProbe();
        VipException e = assertThrows(VipException.class, () -> binder.bind(early));
        assertTrue(e.conflict());
        assertEquals(2, net.count("arping", "-0"), "a holder found ahead is asked again");
        assertEquals(0, net.count("ip", "add"));
    }

    @Test
    void aHolderFoundAheadThatHasLetGoByTheBindDoesNotStopIt() throws Exception {
        // The dead master's launcher releases after the check ahead ran, before the votes are in.
        net.heldElsewhere.add("203.0.113.10");
        VipBinder binder = binder("203.0.113.10/24@eth1");
        var early = binder.startProbe();
        net.heldElsewhere.clear();
        binder.bind(early);
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
    }

    @Test
    void aCheckStartedTooLongBeforeTheBindIsNotTrustedAndTheBindProbesAgain() throws Exception {
        VipBinder binder = binder(Configs.config("vips", new String[] {"203.0.113.10/24@eth1"}, "state_file",
                dir.resolve("bound-vips").toString(), "dad_timeout_ms", 20));
        var early = binder.startProbe();
        Thread.sleep(VipBinder.EARLY_PROBE_MAX_AGE.toMillis() + 100);
        binder.bind(early);
        assertEquals(2, net.count("arping", "-0"), "a stale answer is not taken");
    }

    @Test
    void nothingIsCheckedAheadForAVipAlreadyBound() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        binder.bind();
        assertTrue(binder.startProbe().isEmpty());
    }

    @Test
    void aMonitorThatHasNotReportedTheAddYetMakesTheBindReadTheKernelNotFail() throws Exception {
        net.monitorSilent = true;
        VipBinder binder = binder("203.0.113.10/24@eth1", "2001:db8::10/64@eth2");
        binder.bind();
        assertEquals(2, net.cidrs("eth2").size());
        assertTrue(binder.status().stream().allMatch(VipStatus::bound));
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
    void aMissingArpingRefusesToBindWithOneConstantMessageNamingThePackages() throws Exception {
        net.arping = FakeNetwork.ArpingKind.MISSING;
        VipBinder binder = binder("203.0.113.10/24@eth1");
        VipException first = assertThrows(VipException.class, binder::bind);
        VipException second = assertThrows(VipException.class, binder::bind);
        assertFalse(first.conflict());
        assertEquals(first.getMessage(), second.getMessage());
        assertTrue(first.getMessage().contains("'arping' cannot be run"), first.getMessage());
        assertTrue(first.getMessage().contains("iputils-arping"), first.getMessage());
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
        assertEquals(0, net.count("ip", "add"));
        assertEquals(first.getMessage(), binder.status().get(0).detail());
    }

    @Test
    void anArpingThatIsNeitherIsRefusedNamingWhatItSaid() throws Exception {
        net.arping = FakeNetwork.ArpingKind.BUSYBOX;
        VipException e = assertThrows(VipException.class, () -> binder("203.0.113.10/24@eth1").bind());
        assertFalse(e.conflict());
        assertTrue(e.getMessage().contains("neither Thomas Habets' ARPing 2.x nor iputils' arping"), e.getMessage());
        assertTrue(e.getMessage().contains("BusyBox"), e.getMessage());
        assertEquals(0, net.count("ip", "add"));
    }

    @Test
    void anArpingInstalledLaterIsFoundAtTheNextBind() throws Exception {
        net.arping = FakeNetwork.ArpingKind.MISSING;
        VipBinder binder = binder("203.0.113.10/24@eth1");
        assertThrows(VipException.class, binder::bind);
        net.arping = FakeNetwork.ArpingKind.IPUTILS;
        binder.bind();
        assertTrue(binder.status().get(0).bound());
        assertEquals("", binder.status().get(0).detail());
    }

    @Test
    void withIputilsArpingProbesWithDashDAndEndsTheProbeWhenItsWindowIsOver() throws Exception {
        net.arping = FakeNetwork.ArpingKind.IPUTILS;
        VipBinder binder = binder(Configs.config("vips", new String[] {"203.0.113.10/24@eth1"}, "state_file",
                dir.resolve("bound-vips").toString(), "dad_timeout_ms", 50));
        binder.bind();
        assertEquals(List.of("203.0.113.11/24", "203.0.113.10/24"), net.cidrs("eth1"));
        assertEquals(1, net.count("arping", "-D"));
        assertEquals(0, net.count("arping", "-0"));
        assertEquals(1, net.count("arping", "-U"), "the first gratuitous ARP, with iputils' options");
        assertTrue(net.log.stream().filter(c -> c.contains("-U")).allMatch(c -> c.contains("-I")));
    }

    @Test
    void withIputilsArpingAHostThatAnswersIsAConflict() throws Exception {
        net.arping = FakeNetwork.ArpingKind.IPUTILS;
        net.heldElsewhere.add("203.0.113.10");
        VipException e = assertThrows(VipException.class, () -> binder("203.0.113.10/24@eth1").bind());
        assertTrue(e.conflict());
        assertEquals(0, net.count("ip", "add"));
    }

    @Test
    void aBindRunsOnlyTheProbeTheAddAndTheFirstGratuitousArpAndTakesTheReadBackFromTheMonitor() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        int before = net.log.size();
        binder.bind();
        List<List<String>> run = net.log.subList(before, net.log.size());
        assertEquals(3, run.size(), run.toString());
        assertTrue(run.get(0).contains("-0"), run.toString());
        assertTrue(run.get(1).contains("add"), run.toString());
        assertTrue(run.get(2).contains("-U"), run.toString());
        assertTrue(binder.status().get(0).bound());
    }

    @Test
    void withoutAMonitorTheBindReadsTheInterfaceBackItself() throws Exception {
        net.monitorCannotStart = true;
        VipBinder binder = binder("203.0.113.10/24@eth1");
        int before = net.log.size();
        binder.bind();
        List<List<String>> run = net.log.subList(before, net.log.size());
        assertEquals(List.of("ip", "-j", "addr", "show", "dev", "eth1"), run.get(run.size() - 1));
        assertTrue(indexOf(c -> c.contains("-U")) < net.log.size() - 1, "the first gratuitous ARP before the read-back");
    }

    private int indexOf(java.util.function.Predicate<List<String>> which) {
        for (int i = 0; i < net.log.size(); i++) {
            if (which.test(net.log.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void statusAnswersFromMemoryAndSeesAnOperatorsDeleteAsSoonAsTheMonitorReportsIt() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        binder.bind();
        long forks = net.forks();
        for (int i = 0; i < 1000; i++) {
            assertTrue(binder.status().get(0).bound());
        }
        net.operatorDeletes("eth1", "203.0.113.10/24");
        assertFalse(binder.status().get(0).bound());
        assertFalse(binder.allBound());
        assertEquals(forks, net.forks(), "status() never runs a command");
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
        assertEquals(2, net.count("arping", "-U"), "one at the bind, one now");
        assertEquals(2, net.count("na6", "-o"));
        assertTrue(binder.status().stream().allMatch(s -> s.detail().isEmpty()));
    }

    @Test
    void aFailedAnnouncementShowsInStatus() throws Exception {
        VipBinder binder = binder("203.0.113.10/24@eth1");
        binder.bind();
        net.arping = FakeNetwork.ArpingKind.BUSYBOX;
        binder.announce();
        assertTrue(binder.status().get(0).bound());
        assertTrue(binder.status().get(0).detail().startsWith("announcing"), binder.status().get(0).detail());
    }
}
