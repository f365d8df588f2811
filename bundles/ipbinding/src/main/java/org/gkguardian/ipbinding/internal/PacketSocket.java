package org.gkguardian.ipbinding.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;

/**
 * A Linux packet socket (AF_PACKET, SOCK_DGRAM) for ARP on one interface, through JNA: the kernel writes and strips the
 * Ethernet header, we send and receive ARP packets. Bound to the interface's index and to ETH_P_ARP, so it receives
 * the ARP frames of that interface only. Needs CAP_NET_RAW. Not a process: a send is one system call.
 */
public final class PacketSocket implements ArpLink {
    private static final int AF_PACKET = 17;
    private static final int SOCK_DGRAM = 2;
    private static final int ETH_P_ARP = 0x0806;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int PACKET_OUTGOING = 4;
    /** sizeof(struct sockaddr_ll). */
    private static final int SOCKADDR_LL = 20;
    /** More than an ARP packet, so that a longer frame's tail is cut, not its start. */
    private static final int RECEIVE_BUFFER = 64;

    private static volatile Libc libc;

    private final String interfaceName;
    private final int ifindex;
    private final byte[] mac;
    private final int fd;
    private volatile boolean closed;

    private PacketSocket(String interfaceName, int ifindex, byte[] mac, int fd) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.mac = mac;
        this.fd = fd;
    }

    /**
     * Loads libc through JNA and opens (and closes) one packet socket, to learn once whether this JVM can use them.
     *
     * @return empty when it can; else why not (no CAP_NET_RAW, JNA not loadable here)
     */
    public static Optional<String> unavailable() {
        try {
            int fd = libc().socket(AF_PACKET, SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            libc().close(fd);
            return Optional.empty();
        } catch (LastErrorException e) {
            return Optional.of("socket(AF_PACKET) failed: " + e.getMessage()
                    + (e.getErrorCode() == 1 ? " (the JVM lacks CAP_NET_RAW)" : ""));
        } catch (LinkageError | RuntimeException e) {
            // NoClassDefFoundError when the JNA bundle is not there, UnsatisfiedLinkError without its native library.
            return Optional.of("JNA cannot be used on this platform: " + e);
        }
    }

    /**
     * Opens a packet socket on the interface, for ARP only.
     *
     * @throws IOException when the interface does not exist, has no Ethernet address, or the socket cannot be opened
     */
    public static PacketSocket open(String interfaceName) throws IOException {
        byte[] mac = hardwareAddress(interfaceName);
        try {
            Libc c = libc();
            int ifindex = c.if_nametoindex(interfaceName);
            if (ifindex == 0) {
                throw new IOException("no interface " + interfaceName);
            }
            int fd = c.socket(AF_PACKET, SOCK_DGRAM | Libc.SOCK_CLOEXEC, htons(ETH_P_ARP));
            try {
                c.bind(fd, sockaddr(ifindex, null), SOCKADDR_LL);
            } catch (LastErrorException e) {
                c.close(fd);
                throw e;
            }
            return new PacketSocket(interfaceName, ifindex, mac, fd);
        } catch (LastErrorException e) {
            throw new IOException("cannot open an ARP packet socket on " + interfaceName + ": " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new IOException("JNA cannot be used on this platform: " + e, e);
        }
    }

    private static Libc libc() {
        Libc loaded = libc;
        if (loaded == null) {
            loaded = Libc.load();
            libc = loaded;
        }
        return loaded;
    }

    private static byte[] hardwareAddress(String interfaceName) throws IOException {
        try {
            NetworkInterface nic = NetworkInterface.getByName(interfaceName);
            if (nic == null) {
                throw new IOException("no interface " + interfaceName);
            }
            byte[] mac = nic.getHardwareAddress();
            if (mac == null || mac.length != 6) {
                throw new IOException("interface " + interfaceName + " has no Ethernet address");
            }
            return mac;
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    /** struct sockaddr_ll for this interface and ETH_P_ARP, with a destination hardware address when sending. */
    private static byte[] sockaddr(int ifindex, byte[] destination) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_LL).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_ARP).order(ByteOrder.nativeOrder());
        b.putInt(ifindex);
        b.putShort((short) 0); // sll_hatype: set by the kernel on receive
        b.put((byte) 0); // sll_pkttype
        if (destination != null) {
            b.put((byte) destination.length);
            b.put(destination);
        }
        return b.array();
    }

    private static int htons(int value) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Short.reverseBytes((short) value) & 0xffff : value;
    }

    @Override
    public String interfaceName() {
        return interfaceName;
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    @Override
    public void send(byte[] packet) throws IOException {
        checkOpen();
        byte[] broadcast = {-1, -1, -1, -1, -1, -1};
        try {
            libc().sendto(fd, packet, new NativeLong(packet.length), 0, sockaddr(ifindex, broadcast), SOCKADDR_LL);
        } catch (LastErrorException e) {
            throw new IOException("sending ARP on " + interfaceName + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Received> receive(Duration timeout) throws IOException {
        checkOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Received> queued = receiveNow();
            if (queued.isPresent()) {
                return queued;
            }
            try {
                if (!libc().awaitReadable(fd, deadline)) {
                    return Optional.empty();
                }
            } catch (LastErrorException e) {
                throw new IOException("waiting for ARP on " + interfaceName + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void discardQueued() throws IOException {
        checkOpen();
        while (receiveNow().isPresent()) {
            // dropped
        }
    }

    private Optional<Received> receiveNow() throws IOException {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        byte[] from = new byte[SOCKADDR_LL];
        IntByReference fromLength = new IntByReference(SOCKADDR_LL);
        long length;
        try {
            length = libc().recvfrom(fd, buffer, new NativeLong(buffer.length), MSG_DONTWAIT, from, fromLength)
                    .longValue();
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EAGAIN || e.getErrorCode() == Libc.EINTR) {
                return Optional.empty();
            }
            throw new IOException("receiving ARP on " + interfaceName + " failed: " + e.getMessage(), e);
        }
        // sll_pkttype is the 11th byte of struct sockaddr_ll.
        return Optional.of(new Received(buffer, (int) Math.min(length, buffer.length), from[10] == PACKET_OUTGOING));
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the ARP packet socket on " + interfaceName + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc().close(fd);
        }
    }
}
