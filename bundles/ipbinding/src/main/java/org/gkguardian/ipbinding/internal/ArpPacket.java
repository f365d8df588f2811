package org.gkguardian.ipbinding.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826), as a packet socket of type SOCK_DGRAM sends and receives it: the
 * 28 bytes after the Ethernet header, which the kernel writes and strips. Pure: bytes in, bytes out.
 *
 * @param operation   {@link #REQUEST} or {@link #REPLY}
 * @param senderMac   the sender's hardware address (6 bytes)
 * @param senderIp    the sender's IPv4 address; 0.0.0.0 in an RFC 5227 probe
 * @param targetMac   the target's hardware address (6 bytes); zero in requests
 * @param targetIp    the address asked about or announced
 */
public record ArpPacket(int operation, byte[] senderMac, Inet4Address senderIp, byte[] targetMac,
        Inet4Address targetIp) {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    /** Length of an IPv4-over-Ethernet ARP packet. */
    public static final int LENGTH = 28;
    private static final int HARDWARE_ETHERNET = 1;
    private static final int PROTOCOL_IPV4 = 0x0800;
    private static final byte[] NO_MAC = new byte[6];
    private static final Inet4Address UNSPECIFIED = ipv4(new byte[4]);

    public ArpPacket {
        if (operation != REQUEST && operation != REPLY) {
            throw new IllegalArgumentException("ARP operation " + operation + " is neither request nor reply");
        }
        senderMac = mac(senderMac);
        targetMac = mac(targetMac);
    }

    /**
     * An RFC 5227 probe: "who has {@code address}?" from a sender that claims no address yet (0.0.0.0), so that no
     * neighbour's cache learns anything from it.
     */
    public static ArpPacket probe(byte[] ourMac, Inet4Address address) {
        return new ArpPacket(REQUEST, ourMac, UNSPECIFIED, NO_MAC, address);
    }

    /** A gratuitous ARP request (RFC 5227's announcement, arping -U): sender and target both the address. */
    public static ArpPacket announcementRequest(byte[] ourMac, Inet4Address address) {
        return new ArpPacket(REQUEST, ourMac, address, NO_MAC, address);
    }

    /**
     * A gratuitous ARP reply (iputils' arping -A): some neighbours update their caches only from replies. The target
     * hardware address is ours too, as no one asked.
     */
    public static ArpPacket announcementReply(byte[] ourMac, Inet4Address address) {
        return new ArpPacket(REPLY, ourMac, address, ourMac, address);
    }

    /** The packet's bytes in network order. */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        putShort(b, 0, HARDWARE_ETHERNET);
        putShort(b, 2, PROTOCOL_IPV4);
        b[4] = 6;
        b[5] = 4;
        putShort(b, 6, operation);
        System.arraycopy(senderMac, 0, b, 8, 6);
        System.arraycopy(senderIp.getAddress(), 0, b, 14, 4);
        System.arraycopy(targetMac, 0, b, 18, 6);
        System.arraycopy(targetIp.getAddress(), 0, b, 24, 4);
        return b;
    }

    /**
     * Reads the first {@code length} bytes of {@code bytes}; empty for anything that is not an IPv4-over-Ethernet
     * request or reply (other hardware or protocol types, RARP, a short frame): a LAN carries such frames, and they
     * are no answer to us.
     */
    public static Optional<ArpPacket> parse(byte[] bytes, int length) {
        if (length < LENGTH || bytes.length < LENGTH || getShort(bytes, 0) != HARDWARE_ETHERNET
                || getShort(bytes, 2) != PROTOCOL_IPV4 || bytes[4] != 6 || bytes[5] != 4) {
            return Optional.empty();
        }
        int operation = getShort(bytes, 6);
        if (operation != REQUEST && operation != REPLY) {
            return Optional.empty();
        }
        return Optional.of(new ArpPacket(operation, Arrays.copyOfRange(bytes, 8, 14),
                ipv4(Arrays.copyOfRange(bytes, 14, 18)), Arrays.copyOfRange(bytes, 18, 24),
                ipv4(Arrays.copyOfRange(bytes, 24, 28))));
    }

    /**
     * Whether this packet shows another host using {@code address}: its sender address is that address (a reply to
     * our probe, or that host's own request or announcement) and its sender hardware address is not ours. A probe
     * from another host (sender 0.0.0.0) claims nothing: two candidates probing at once must not refuse each other
     * (the election decides between them; this check only looks for a holder).
     */
    public boolean claims(Inet4Address address, byte[] ourMac) {
        return senderIp.equals(address) && !Arrays.equals(senderMac, ourMac);
    }

    /** For log lines: "reply 0a:..:01 203.0.113.10 -> ...". */
    @Override
    public String toString() {
        return (operation == REQUEST ? "request " : "reply ") + macText(senderMac) + " " + senderIp.getHostAddress()
                + " -> " + macText(targetMac) + " " + targetIp.getHostAddress();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArpPacket p && p.operation == operation && Arrays.equals(p.senderMac, senderMac)
                && p.senderIp.equals(senderIp) && Arrays.equals(p.targetMac, targetMac) && p.targetIp.equals(targetIp);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(senderMac) * 31 + targetIp.hashCode();
    }

    @Override
    public byte[] senderMac() {
        return senderMac.clone();
    }

    @Override
    public byte[] targetMac() {
        return targetMac.clone();
    }

    static String macText(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    private static byte[] mac(byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("an Ethernet hardware address has 6 bytes, not "
                    + (mac == null ? "none" : mac.length));
        }
        return mac.clone();
    }

    private static void putShort(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    private static int getShort(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static Inet4Address ipv4(byte[] address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
