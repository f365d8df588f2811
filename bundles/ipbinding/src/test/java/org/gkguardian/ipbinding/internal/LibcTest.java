package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wait both sockets share, on a real routing netlink socket of the test's own namespace (no privilege needed;
 * the request only reads the addresses).
 */
class LibcTest {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final byte[] KERNEL = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
            .putShort((short) AF_NETLINK).array();

    private Libc libc;
    private int fd;

    @BeforeEach
    void openSocket() {
        libc = Libc.load();
        fd = libc.socket(AF_NETLINK, SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
    }

    @AfterEach
    void closeSocket() {
        libc.close(fd);
    }

    @Test
    void aSocketWithNothingToReadWaitsUntilTheDeadlineAndSaysSo() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);

        assertFalse(libc.awaitReadable(fd, deadline));
        assertTrue(System.nanoTime() - deadline >= 0, "returned before its deadline");
    }

    @Test
    void aDeadlineAlreadyPastDoesNotWait() {
        assertFalse(libc.awaitReadable(fd, System.nanoTime() - 1));
    }

    @Test
    void anAnswerWaitingToBeReadEndsTheWait() {
        byte[] request = RtNetlink.dumpAddresses(1);
        libc.sendto(fd, request, new NativeLong(request.length), 0, KERNEL, KERNEL.length);

        assertTrue(libc.awaitReadable(fd, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
    }
}
