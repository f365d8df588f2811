package org.gkguardian.ipbinding.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The C library calls of ipbinding's own sockets (the ARP packet socket and the routing netlink socket), through JNA,
 * and the one way they wait for an answer: poll until a deadline. Loading it needs the JNA bundle and its native
 * library; callers treat a LinkageError as "not on this platform".
 */
interface Libc extends Library {
    int SOCK_CLOEXEC = 0x80000;
    int EINTR = 4;
    int EAGAIN = 11;
    short POLLIN = 1;

    /** @throws LinkageError when JNA or its native library is missing here */
    static Libc load() {
        return Native.load("c", Libc.class);
    }

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

    NativeLong recvfrom(int fd, byte[] buffer, NativeLong length, int flags, byte[] address,
            IntByReference addressLength) throws LastErrorException;

    /** {@code fds} is an array of struct pollfd. */
    int poll(byte[] fds, NativeLong count, int timeoutMs) throws LastErrorException;

    int if_nametoindex(String name);

    String strerror(int errno);

    int close(int fd);

    /**
     * Waits until the socket has something to read, no later than the deadline. An interrupted poll (EINTR) is polled
     * again within what is left.
     *
     * @param deadlineNanos on the {@link System#nanoTime()} clock
     * @return true when there is something to read; false once the deadline has passed without
     * @throws LastErrorException when poll fails otherwise
     */
    default boolean awaitReadable(int fd, long deadlineNanos) throws LastErrorException {
        byte[] pollfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(fd).putShort(POLLIN).array();
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                // Whole milliseconds, rounded up, so that a short wait still waits.
                if (poll(pollfd, new NativeLong(1), (int) Math.max(1, (left + 999_999) / 1_000_000)) > 0) {
                    return true;
                }
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw e;
                }
            }
        }
    }
}
