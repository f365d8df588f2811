package org.gkguardian.ipbinding.internal;

import static org.gkguardian.ipbinding.internal.ArpPacketTest.OUR_MAC;
import static org.gkguardian.ipbinding.internal.ArpPacketTest.THEIR_MAC;
import static org.gkguardian.ipbinding.internal.ArpPacketTest.VIP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.gkguardian.api.VipAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-JVM ARP over a link that plays the LAN: what it sends, and what it makes of what comes back. */
class SocketArpToolTest {
    private static final VipAddress VIP_ON_ETH1 = new VipAddress(VIP, 24, "eth1");
    private static final Duration WINDOW = Duration.ofMillis(200);

    /** A LAN on which another host may answer our probes; what arrived before a check sits in the queue. */
    static final class FakeLink implements ArpLink {
        final List<ArpPacket> sent = new CopyOnWriteArrayList<>();
        final BlockingQueue<Received> arriving = new LinkedBlockingQueue<>();
        /** What the LAN answers to each packet we send. */
        Consumer<ArpPacket> lan = p -> { };
        boolean failSend;
        volatile boolean closed;

        @Override
        public String interfaceName() {
            return "eth1";
        }

        @Override
        public byte[] mac() {
            return OUR_MAC.clone();
        }

        @Override
        public void send(byte[] packet) throws IOException {
            if (failSend) {
                throw new IOException("sending ARP on eth1 failed: [100] Network is down");
            }
            ArpPacket p = ArpPacket.parse(packet, packet.length).orElseThrow();
            sent.add(p);
            // The kernel hands a packet socket no copy of what it sent (ETH_P_ARP is no ETH_P_ALL tap), but be sure.
            arriving.add(new Received(packet, packet.length, true));
            lan.accept(p);
        }

        @Override
        public Optional<Received> receive(Duration timeout) throws IOException {
            try {
                return Optional.ofNullable(arriving.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void discardQueued() {
            arriving.clear();
        }

        @Override
        public void close() {
            closed = true;
        }

        void arrive(ArpPacket p) {
            byte[] bytes = p.toBytes();
            arriving.add(new Received(bytes, bytes.length, false));
        }
    }

    private final List<FakeLink> opened = new ArrayList<>();
    private FakeLink next = new FakeLink();
    private final SocketArpTool tool = new SocketArpTool(Optional::empty, name -> {
        FakeLink link = next;
        next = new FakeLink();
        opened.add(link);
        return link;
    });

    @AfterEach
    void close() {
        tool.close();
    }

    private Arping.Probe check(VipAddress vip) throws Exception {
        return tool.startProbes(List.of(vip), 2, Duration.ofMillis(20), WINDOW).get(vip).outcome()
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void nobodyAnsweringIsFreeAfterTwoProbesFromTheUnspecifiedAddress() throws Exception {
        assertEquals(Arping.Probe.FREE, check(VIP_ON_ETH1));
        FakeLink link = opened.get(0);
        assertEquals(List.of(ArpPacket.probe(OUR_MAC, VIP), ArpPacket.probe(OUR_MAC, VIP)), link.sent);
    }

    @Test
    void aHolderAnsweringIsTaken() throws Exception {
        next.lan = p -> {
            if (p.senderIp().equals(ArpPacketTest.ipv4("0.0.0.0")) && p.targetIp().equals(VIP)) {
                opened.get(0).arrive(new ArpPacket(ArpPacket.REPLY, THEIR_MAC, VIP, OUR_MAC, p.senderIp()));
            }
        };
        assertEquals(Arping.Probe.TAKEN, check(VIP_ON_ETH1));
        assertEquals(1, opened.get(0).sent.size(), "decided at the first answer: no second probe");
    }

    @Test
    void onlyAnswersAfterTheCheckStartedCount() throws Exception {
        // The old master's gratuitous ARP from before its death is no answer to this check.
        next.arrive(ArpPacket.announcementRequest(THEIR_MAC, VIP));
        assertEquals(Arping.Probe.FREE, check(VIP_ON_ETH1));
    }

    @Test
    void anotherCandidatesProbeAndClientsAskingForTheVipAreNoHolder() throws Exception {
        next.lan = p -> {
            opened.get(0).arrive(ArpPacket.probe(THEIR_MAC, VIP));
            opened.get(0).arrive(new ArpPacket(ArpPacket.REQUEST, THEIR_MAC, ArpPacketTest.ipv4("203.0.113.100"),
                    new byte[6], VIP));
        };
        assertEquals(Arping.Probe.FREE, check(VIP_ON_ETH1));
    }

    @Test
    void twoVipsOnOneInterfaceAreCheckedInOneWindowEachOnItsOwn() throws Exception {
        VipAddress other = new VipAddress(InetAddress.getByName("203.0.113.20"), 24, "eth1");
        next.lan = p -> {
            if (p.targetIp().equals(other.address()) && p.senderIp().equals(ArpPacketTest.ipv4("0.0.0.0"))) {
                opened.get(0).arrive(new ArpPacket(ArpPacket.REPLY, THEIR_MAC, p.targetIp(), OUR_MAC, p.senderIp()));
            }
        };
        Map<VipAddress, ArpTool.Pending<Arping.Probe>> checks = tool.startProbes(List.of(VIP_ON_ETH1, other), 2,
                Duration.ofMillis(20), WINDOW);
        assertEquals(Arping.Probe.TAKEN, checks.get(other).outcome().get(5, TimeUnit.SECONDS));
        assertEquals(Arping.Probe.FREE, checks.get(VIP_ON_ETH1).outcome().get(5, TimeUnit.SECONDS));
        assertEquals(1, opened.size(), "one socket for the interface");
    }

    @Test
    void anAnnouncementSendsTheRequestAndTheReplyForm() throws Exception {
        tool.announce(VIP_ON_ETH1).outcome().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(ArpPacket.announcementRequest(OUR_MAC, VIP), ArpPacket.announcementReply(OUR_MAC, VIP)),
                opened.get(0).sent);
    }

    @Test
    void aFailedSendFailsTheAnnouncementAndTheSocketIsOpenedAgainAtTheNextUse() throws Exception {
        tool.announce(VIP_ON_ETH1).outcome().get(5, TimeUnit.SECONDS);
        opened.get(0).failSend = true;
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> tool.announce(VIP_ON_ETH1).outcome().get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("Network is down"), e.getCause().getMessage());
        tool.announce(VIP_ON_ETH1).outcome().get(5, TimeUnit.SECONDS);
        assertEquals(2, opened.size());
        assertEquals(2, opened.get(1).sent.size());
        await().atMost(5, TimeUnit.SECONDS).until(() -> opened.get(0).closed);
    }

    @Test
    void aCheckThatCannotSendFailsWithTheReason() {
        next.failSend = true;
        ExecutionException e = assertThrows(ExecutionException.class, () -> check(VIP_ON_ETH1));
        assertTrue(e.getCause().getMessage().contains("Network is down"), e.getCause().getMessage());
    }

    @Test
    void anInterfaceThatCannotBeOpenedFailsTheStart() {
        SocketArpTool failing = new SocketArpTool(Optional::empty, name -> {
            throw new IOException("no interface " + name);
        });
        IOException e = assertThrows(IOException.class,
                () -> failing.startProbes(List.of(VIP_ON_ETH1), 2, Duration.ofMillis(20), WINDOW));
        assertEquals("no interface eth1", e.getMessage());
        failing.close();
    }

    @Test
    void closingClosesEverySocketAndRefusesWhatFollows() throws Exception {
        tool.announce(VIP_ON_ETH1).outcome().get(5, TimeUnit.SECONDS);
        tool.close();
        assertTrue(opened.get(0).closed);
        assertThrows(IOException.class, () -> tool.announce(VIP_ON_ETH1));
    }

    @Test
    void whyTheSocketCannotBeUsedIsAskedOnce() {
        int[] asked = {0};
        SocketArpTool noCapability = new SocketArpTool(() -> {
            asked[0]++;
            return Optional.of("socket(AF_PACKET) failed: [1] Operation not permitted (the JVM lacks CAP_NET_RAW)");
        }, name -> {
            throw new IOException("unused");
        });
        assertTrue(noCapability.unavailable().orElseThrow().contains("CAP_NET_RAW"));
        assertTrue(noCapability.unavailable().isPresent());
        assertEquals(1, asked[0]);
        assertFalse(tool.unavailable().isPresent());
    }
}
