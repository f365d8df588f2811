package org.gkguardian.ipbinding.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rtnetlink messages that add, delete and list interface addresses (what {@code ip addr add|del|show} sends):
 * built and read here as bytes, without any I/O, so that they can be checked byte by byte. Netlink headers are in the
 * host's byte order, addresses in network order (see netlink(7), rtnetlink(7)).
 */
final class RtNetlink {
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_DUMP = 0x300;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_DADFAILED = 0x08;
    static final int IFA_F_TENTATIVE = 0x40;
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_LINK = 253;
    private static final int RT_SCOPE_HOST = 254;
    private static final int NLMSG_HDRLEN = 16;
    private static final int IFADDRMSG_LEN = 8;

    /** One address of a dump. */
    record Address(int ifindex, InetAddress address, int prefixLength, String label, int flags) {
    }

    /** What a buffer of replies to a dump held: the addresses, whether the dump ended, and an error if one came. */
    record DumpPart(List<Address> addresses, boolean done, int error) {
    }

    private RtNetlink() {
    }

    /** RTM_NEWADDR, failing if the address is there already (as {@code ip addr add}). */
    static byte[] addAddress(int seq, int ifindex, InetAddress address, int prefixLength, String label) {
        return addressMessage(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, seq, ifindex,
                address, prefixLength, label);
    }

    /** RTM_DELADDR of exactly this address and prefix (as {@code ip addr del}). */
    static byte[] deleteAddress(int seq, int ifindex, InetAddress address, int prefixLength) {
        return addressMessage(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq, ifindex, address, prefixLength, "");
    }

    /** RTM_GETADDR of every address of every interface (the kernel does not filter a dump by interface). */
    static byte[] dumpAddresses(int seq) {
        ByteBuffer b = buffer(NLMSG_HDRLEN + IFADDRMSG_LEN);
        header(b, NLMSG_HDRLEN + IFADDRMSG_LEN, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq);
        b.put((byte) AF_UNSPEC).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        return b.array();
    }

    private static byte[] addressMessage(int type, int flags, int seq, int ifindex, InetAddress address,
            int prefixLength, String label) {
        byte[] raw = address.getAddress();
        byte[] labelBytes = label.isEmpty() ? new byte[0] : (label + "\0").getBytes(StandardCharsets.US_ASCII);
        int length = NLMSG_HDRLEN + IFADDRMSG_LEN + 2 * attributeSpace(raw.length)
                + (labelBytes.length == 0 ? 0 : attributeSpace(labelBytes.length));
        ByteBuffer b = buffer(length);
        header(b, length, type, flags, seq);
        b.put((byte) (address instanceof Inet6Address ? AF_INET6 : AF_INET)).put((byte) prefixLength)
                .put((byte) 0).put((byte) scope(address)).putInt(ifindex);
        attribute(b, IFA_LOCAL, raw);
        attribute(b, IFA_ADDRESS, raw);
        if (labelBytes.length > 0) {
            attribute(b, IFA_LABEL, labelBytes);
        }
        return b.array();
    }

    /** As iproute2 chooses it when none is given: host for loopback, link for link-local, else global. */
    private static int scope(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return RT_SCOPE_HOST;
        }
        return address instanceof Inet6Address && address.isLinkLocalAddress() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
    }

    /**
     * The acknowledgement of request {@code seq} in a buffer of replies: 0 when it worked, else the negative errno
     * (-17 EEXIST, -99 EADDRNOTAVAIL, ...); empty when the buffer holds none.
     */
    static OptionalInt ackError(byte[] buf, int length, int seq) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + NLMSG_HDRLEN <= length) {
            int len = b.getInt(at);
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            int msgSeq = b.getInt(at + 8);
            if (len < NLMSG_HDRLEN || at + len > length) {
                break;
            }
            if (type == NLMSG_ERROR && msgSeq == seq && len >= NLMSG_HDRLEN + 4) {
                return OptionalInt.of(b.getInt(at + NLMSG_HDRLEN));
            }
            at += align(len);
        }
        return OptionalInt.empty();
    }

    /** The addresses in one buffer of replies to dump {@code seq}. */
    static DumpPart parseDump(byte[] buf, int length, int seq) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.nativeOrder());
        List<Address> out = new ArrayList<>();
        int at = 0;
        while (at + NLMSG_HDRLEN <= length) {
            int len = b.getInt(at);
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            int msgSeq = b.getInt(at + 8);
            if (len < NLMSG_HDRLEN || at + len > length) {
                throw new IllegalArgumentException("truncated netlink message at " + at);
            }
            if (msgSeq == seq) {
                if (type == NLMSG_DONE) {
                    return new DumpPart(out, true, 0);
                }
                if (type == NLMSG_ERROR) {
                    return new DumpPart(out, true, len >= NLMSG_HDRLEN + 4 ? b.getInt(at + NLMSG_HDRLEN) : -5);
                }
                if (type == RTM_NEWADDR && len >= NLMSG_HDRLEN + IFADDRMSG_LEN) {
                    address(b, at + NLMSG_HDRLEN, at + len).ifPresent(out::add);
                }
            }
            at += align(len);
        }
        return new DumpPart(out, false, 0);
    }

    private static Optional<Address> address(ByteBuffer b, int start, int end) {
        int family = Byte.toUnsignedInt(b.get(start));
        int prefix = Byte.toUnsignedInt(b.get(start + 1));
        int flags = Byte.toUnsignedInt(b.get(start + 2));
        int ifindex = b.getInt(start + 4);
        if (family != AF_INET && family != AF_INET6) {
            return Optional.empty();
        }
        byte[] local = null;
        byte[] address = null;
        String label = "";
        int at = start + IFADDRMSG_LEN;
        while (at + 4 <= end) {
            int len = Short.toUnsignedInt(b.getShort(at));
            int type = Short.toUnsignedInt(b.getShort(at + 2));
            if (len < 4 || at + len > end) {
                break;
            }
            byte[] payload = new byte[len - 4];
            b.get(at + 4, payload);
            switch (type) {
                case IFA_LOCAL -> local = payload;
                case IFA_ADDRESS -> address = payload;
                case IFA_LABEL -> label = cString(payload);
                case IFA_FLAGS -> flags = payload.length >= 4
                        ? ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()).getInt() : flags;
                default -> {
                }
            }
            at += align(len);
        }
        // As ip shows it: the local address where there is one (IPv4), else the address (IPv6).
        byte[] raw = local != null ? local : address;
        if (raw == null || (raw.length != 4 && raw.length != 16)) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByAddress(raw);
            if (family == AF_INET6 && a instanceof Inet4Address) {
                return Optional.empty();
            }
            return Optional.of(new Address(ifindex, a, prefix, family == AF_INET ? label : "", flags));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String cString(byte[] payload) {
        int n = 0;
        while (n < payload.length && payload[n] != 0) {
            n++;
        }
        return new String(payload, 0, n, StandardCharsets.US_ASCII);
    }

    private static ByteBuffer buffer(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    }

    private static void header(ByteBuffer b, int length, int type, int flags, int seq) {
        b.putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
    }

    private static void attribute(ByteBuffer b, int type, byte[] payload) {
        int start = b.position();
        b.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
        b.position(start + attributeSpace(payload.length));
    }

    private static int attributeSpace(int payload) {
        return align(4 + payload);
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }
}
