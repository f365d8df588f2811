package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArpPacketTest {
    static final byte[] OUR_MAC = HexFormat.ofDelimiter(":").parseHex("02:00:00:00:00:0b");
    static final byte[] THEIR_MAC = HexFormat.ofDelimiter(":").parseHex("02:00:00:00:00:0a");
    static final Inet4Address VIP = ipv4("203.0.113.10");

    static Inet4Address ipv4(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void aProbeIsARequestFromTheUnspecifiedAddressWithAZeroTargetMac() {
        // htype 1, ptype 0800, hlen 6, plen 4, op 1 | sha | spa 0.0.0.0 | tha 0 | tpa 203.0.113.10 (RFC 5227 2.1.1)
        assertEquals("0001 0800 06 04 0001 02000000000b 00000000 000000000000 cb00710a".replace(" ", ""),
                HexFormat.of().formatHex(ArpPacket.probe(OUR_MAC, VIP).toBytes()));
    }

    @Test
    void theGratuitousRequestCarriesTheVipAsSenderAndTarget() {
        assertEquals("0001 0800 06 04 0001 02000000000b cb00710a 000000000000 cb00710a".replace(" ", ""),
                HexFormat.of().formatHex(ArpPacket.announcementRequest(OUR_MAC, VIP).toBytes()));
    }

    @Test
    void theGratuitousReplyIsOperationTwoWithOurMacAsTarget() {
        assertEquals("0001 0800 06 04 0002 02000000000b cb00710a 02000000000b cb00710a".replace(" ", ""),
                HexFormat.of().formatHex(ArpPacket.announcementReply(OUR_MAC, VIP).toBytes()));
    }

    @Test
    void aHoldersReplyParsesAndClaimsTheVip() {
        byte[] reply = hex("0001 0800 06 04 0002 02000000000a cb00710a 02000000000b 00000000");
        ArpPacket packet = ArpPacket.parse(reply, reply.length).orElseThrow();
        assertEquals(ArpPacket.REPLY, packet.operation());
        assertArrayEquals(THEIR_MAC, packet.senderMac());
        assertEquals(VIP, packet.senderIp());
        assertEquals(ipv4("0.0.0.0"), packet.targetIp());
        assertTrue(packet.claims(VIP, OUR_MAC));
        assertFalse(packet.claims(ipv4("203.0.113.20"), OUR_MAC), "it claims its own address only");
    }

    @Test
    void aFrameWithTrailingEthernetPaddingParses() {
        byte[] padded = new byte[46];
        System.arraycopy(ArpPacket.announcementRequest(THEIR_MAC, VIP).toBytes(), 0, padded, 0, ArpPacket.LENGTH);
        assertEquals(Optional.of(ArpPacket.announcementRequest(THEIR_MAC, VIP)), ArpPacket.parse(padded, 46));
    }

    @Test
    void whatWeSentOurselvesClaimsNothing() {
        assertFalse(ArpPacket.announcementRequest(OUR_MAC, VIP).claims(VIP, OUR_MAC));
    }

    @Test
    void anotherHostsProbeClaimsNothing() {
        // Two candidates probing at once must not refuse each other: the election decides between them.
        assertFalse(ArpPacket.probe(THEIR_MAC, VIP).claims(VIP, OUR_MAC));
    }

    @Test
    void anotherHostsGratuitousArpOrRequestFromTheVipClaimsIt() {
        assertTrue(ArpPacket.announcementRequest(THEIR_MAC, VIP).claims(VIP, OUR_MAC));
        assertTrue(ArpPacket.announcementReply(THEIR_MAC, VIP).claims(VIP, OUR_MAC));
        byte[] asking = hex("0001 0800 06 04 0001 02000000000a cb00710a 000000000000 cb007164");
        assertTrue(ArpPacket.parse(asking, asking.length).orElseThrow().claims(VIP, OUR_MAC),
                "a host asking from the VIP (for 203.0.113.100) uses it");
    }

    @Test
    void aClientAskingForTheVipClaimsNothing() {
        byte[] asking = hex("0001 0800 06 04 0001 02000000000c cb007164 000000000000 cb00710a");
        assertFalse(ArpPacket.parse(asking, asking.length).orElseThrow().claims(VIP, OUR_MAC));
    }

    @Test
    void somethingElseThanIpv4OverEthernetIsNoArpPacketForUs() {
        byte[] good = ArpPacket.announcementReply(THEIR_MAC, VIP).toBytes();
        assertEquals(Optional.empty(), ArpPacket.parse(good, 27), "short");
        byte[] tokenRing = good.clone();
        tokenRing[1] = 6;
        assertEquals(Optional.empty(), ArpPacket.parse(tokenRing, 28), "hardware type 6");
        byte[] ipv6 = good.clone();
        ipv6[2] = (byte) 0x86;
        ipv6[3] = (byte) 0xdd;
        assertEquals(Optional.empty(), ArpPacket.parse(ipv6, 28), "protocol type 86dd");
        byte[] rarp = good.clone();
        rarp[7] = 3;
        assertEquals(Optional.empty(), ArpPacket.parse(rarp, 28), "RARP request");
        byte[] longAddresses = good.clone();
        longAddresses[4] = 8;
        assertEquals(Optional.empty(), ArpPacket.parse(longAddresses, 28), "hardware address length 8");
    }

    @Test
    void aMacOfAnotherLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ArpPacket.probe(new byte[8], VIP));
    }

    @Test
    void parsingWhatWasBuiltGivesItBack() {
        for (ArpPacket p : new ArpPacket[] {ArpPacket.probe(OUR_MAC, VIP), ArpPacket.announcementRequest(OUR_MAC, VIP),
                ArpPacket.announcementReply(OUR_MAC, VIP)}) {
            assertEquals(Optional.of(p), ArpPacket.parse(p.toBytes(), ArpPacket.LENGTH));
        }
    }
}
