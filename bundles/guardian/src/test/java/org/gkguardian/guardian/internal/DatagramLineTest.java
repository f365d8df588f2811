package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * The datagram path of the lease (issue 17) admits only datagrams sealed under this cluster's key by a configured
 * member: another cluster's key, a truncated datagram, a flipped bit and a stranger are dropped, counted and reported
 * (RefusalLog), and nothing reaches the guardian; a sealed datagram from a member does.
 */
class DatagramLineTest {

    private static final InetAddress A = SimCluster.ip("127.0.0.1");
    private static final InetAddress B = SimCluster.ip("127.0.0.2");
    private static final InetAddress C = SimCluster.ip("127.0.0.3");
    private static final InetAddress STRANGER = SimCluster.ip("127.0.0.4");
    private static final byte[] RENEWAL = Wire.encode(new Wire.LeaseRenew(3, A, 42, 123_456_789L));
    private static final byte[] NEXT_RENEWAL = Wire.encode(new Wire.LeaseRenew(3, A, 42, 148_456_789L));

    private static SecretKey key(String secret) throws Exception {
        return DatagramLine.datagramKey(JGroupsMembership.deriveKey(secret, "gk-guardian"));
    }

    @Test
    void aSealedPayloadOpensOnlyUnderTheSameKeyAndUnaltered() throws Exception {
        DatagramLine.Sealer ours = new DatagramLine.Sealer(key("a secret of our own, 4Ux9-Qm2z"));
        DatagramLine.Sealer theirs = new DatagramLine.Sealer(key("another cluster's secret, 7Zq!"));
        byte[] sealed = ours.seal(RENEWAL);
        assertEquals(RENEWAL.length + DatagramLine.TAG_BYTES, sealed.length);
        assertArrayEquals(RENEWAL, ours.open(sealed).orElseThrow());

        assertTrue(theirs.open(sealed).isEmpty(), "another cluster's key");
        assertTrue(ours.open(theirs.seal(RENEWAL)).isEmpty(), "sealed under another cluster's key");
        assertTrue(ours.open(Arrays.copyOf(sealed, sealed.length - 1)).isEmpty(), "truncated");
        assertTrue(ours.open(Arrays.copyOf(sealed, DatagramLine.TAG_BYTES)).isEmpty(), "a tag alone");
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            byte[] flipped = sealed.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertTrue(ours.open(flipped).isEmpty(), "bit " + bit + " flipped");
        }
    }

    @Test
    void onlySealedDatagramsFromMembersReachTheGuardian() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, A)) {
            port = probe.getLocalPort();
        }
        List<InetAddress> members = List.of(A, B, C);
        SecretKey ours = key("a secret of our own, 4Ux9-Qm2z");
        BlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        RefusalLog log = new RefusalLog(refused::add, System::nanoTime);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            DatagramLine b = new DatagramLine(B, port, members, ours, (from, p) -> delivered.add(p), log);
            open.add(b);
            b.start();
            DatagramLine a = new DatagramLine(A, port, members, ours, (from, p) -> { }, log);
            open.add(a);
            DatagramLine c = new DatagramLine(C, port, members, key("another cluster's secret, 7Zq!"),
                    (from, p) -> { }, log);
            open.add(c);

            a.send(B, RENEWAL);
            assertArrayEquals(RENEWAL, delivered.poll(10, TimeUnit.SECONDS));

            byte[] sealed = new DatagramLine.Sealer(ours).seal(RENEWAL);
            c.send(B, RENEWAL); // another cluster's key
            DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress(C, 0));
            open.add(raw);
            raw.send(ByteBuffer.wrap(Arrays.copyOf(sealed, sealed.length - 5)), new InetSocketAddress(B, port));
            byte[] flipped = sealed.clone();
            flipped[10] ^= 0x04;
            raw.send(ByteBuffer.wrap(flipped), new InetSocketAddress(B, port));
            DatagramChannel stranger = DatagramChannel.open().bind(new InetSocketAddress(STRANGER, 0));
            open.add(stranger);
            stranger.send(ByteBuffer.wrap(sealed), new InetSocketAddress(B, port)); // sealed, but not a member

            // Two copies, sealed once: the second is the first's bytes, dropped before its tag is checked.
            a.send(List.of(B), NEXT_RENEWAL, 2);
            assertArrayEquals(NEXT_RENEWAL, delivered.poll(10, TimeUnit.SECONDS));
            a.send(B, RENEWAL);
            assertArrayEquals(RENEWAL, delivered.poll(10, TimeUnit.SECONDS), "an earlier datagram is not a copy");
            for (int i = 0; i < 100 && b.dropped() < 4; i++) {
                Thread.sleep(50);
            }
            assertEquals(4, b.dropped(), "a copy is not a refusal");
            assertTrue(delivered.isEmpty(), "nothing but one of each sealed datagram from A arrived: "
                    + delivered.size());
            // Reported once per source (RefusalLog's quiet period): the member address with the wrong key, the stranger.
            assertEquals(List.of("127.0.0.3", "127.0.0.4"), refused.stream().sorted().toList());
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }
}
