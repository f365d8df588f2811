package org.gkguardian.ipbinding.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests to the kernel's routing netlink (NETLINK_ROUTE) of the JVM's own network namespace, through JNA: one
 * socket per request, a system call to send and one or a few to read the answer. No process is started, so a thread
 * that must keep time (the role thread binding or releasing a VIP) never waits for a fork or for a CPU to run
 * {@code ip} on; every wait is bounded by the timeout.
 */
final class NetlinkRoute implements RouteLink {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int NETLINK_ROUTE = 0;
    /** struct sockaddr_nl: the kernel (pid 0), no groups. */
    private static final byte[] KERNEL = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
            .putShort((short) AF_NETLINK).array();
    private static final int RECEIVE_BUFFER = 32 * 1024;

    private final Libc libc;
    private final AtomicInteger sequence = new AtomicInteger((int) (System.nanoTime() & 0x3fffffff));

    private NetlinkRoute(Libc libc) {
        this.libc = libc;
    }

    /**
     * Loads libc and opens (and closes) one routing netlink socket.
     *
     * @return the link, or why this JVM cannot use one (JNA or its native library missing on this platform)
     */
    static Result<NetlinkRoute> open() {
        try {
            Libc c = Libc.load();
            int fd = c.socket(AF_NETLINK, SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
            c.close(fd);
            return Result.of(new NetlinkRoute(c));
        } catch (LastErrorException e) {
            return Result.failed("socket(AF_NETLINK) failed: " + e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            // NoClassDefFoundError without the JNA bundle, UnsatisfiedLinkError without its native library.
            return Result.failed("JNA cannot be used on this platform: " + e);
        }
    }

    /** Either a value or why there is none. */
    record Result<T>(Optional<T> value, String problem) {
        static <T> Result<T> of(T value) {
            return new Result<>(Optional.of(value), "");
        }

        static <T> Result<T> failed(String problem) {
            return new Result<>(Optional.empty(), problem);
        }
    }

    @Override
    public OptionalInt interfaceIndex(String name) {
        int index = libc.if_nametoindex(name);
        return index == 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    @Override
    public int request(byte[] message, int seq, Duration timeout) throws IOException {
        int fd = openSocket();
        try {
            send(fd, message);
            byte[] buf = new byte[RECEIVE_BUFFER];
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                int n = receive(fd, buf, deadline);
                OptionalInt ack = RtNetlink.ackError(buf, n, seq);
                if (ack.isPresent()) {
                    return ack.getAsInt();
                }
            }
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public List<RtNetlink.Address> dump(byte[] message, int seq, Duration timeout) throws IOException {
        int fd = openSocket();
        try {
            send(fd, message);
            byte[] buf = new byte[RECEIVE_BUFFER];
            long deadline = System.nanoTime() + timeout.toNanos();
            List<RtNetlink.Address> all = new ArrayList<>();
            while (true) {
                int n = receive(fd, buf, deadline);
                RtNetlink.DumpPart part;
                try {
                    part = RtNetlink.parseDump(buf, n, seq);
                } catch (IllegalArgumentException e) {
                    throw new IOException("unreadable netlink answer: " + e.getMessage(), e);
                }
                all.addAll(part.addresses());
                if (part.done()) {
                    if (part.error() != 0) {
                        throw new IOException("netlink dump failed: " + errorText(part.error()));
                    }
                    return all;
                }
            }
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public int nextSequence() {
        return sequence.incrementAndGet() & 0x7fffffff;
    }

    @Override
    public String errorText(int negativeErrno) {
        String text = libc.strerror(-negativeErrno);
        return text == null ? "errno " + -negativeErrno : text;
    }

    private int openSocket() throws IOException {
        try {
            return libc.socket(AF_NETLINK, SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a routing netlink socket: " + e.getMessage(), e);
        }
    }

    private void send(int fd, byte[] message) throws IOException {
        try {
            libc.sendto(fd, message, new NativeLong(message.length), 0, KERNEL, KERNEL.length);
        } catch (LastErrorException e) {
            throw new IOException("netlink send failed: " + e.getMessage(), e);
        }
    }

    /** One datagram, waiting for it no later than the deadline. */
    private int receive(int fd, byte[] buf, long deadline) throws IOException {
        while (true) {
            try {
                if (!libc.awaitReadable(fd, deadline)) {
                    throw new IOException("no answer from the kernel's routing netlink in time");
                }
                return libc.recv(fd, buf, new NativeLong(buf.length), 0).intValue();
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    throw new IOException("netlink receive failed: " + e.getMessage(), e);
                }
            }
        }
    }
}
