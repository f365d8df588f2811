package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The internal LAN's authentication, without JGroups: a guardian's listening socket hands out a connection only after
 * a TLS 1.3 handshake in which the peer proved it holds the identity derived from the cluster secret. Valid peers
 * pass; another key, garbage, a replayed recording and a tampered record do not. Loopback only.
 */
class LanTlsTest {

    private static final String SECRET = "K3v6Qm0t9S8uXwYzA1bC2dE3fG4hI5jJ6kL7mN8oP9q=";
    private static final int TIMEOUT_S = 20;

    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final RefusalLog refusals = new RefusalLog(refused::add, now::get);
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final AtomicBoolean tamperNext = new AtomicBoolean();
    private ServerSocket server;
    private Thread acceptor;

    private static SSLContext context(String secret, RefusalLog log) throws Exception {
        return ClusterIdentity.derive(JGroupsMembership.deriveKey(secret, "gk-guardian"), "gk-guardian")
                .sslContext(peer -> log.refused(peer, "it does not hold this cluster's key"));
    }

    @BeforeEach
    void listen() throws Exception {
        server = AuthenticatingServerSocket.factory(context(SECRET, refusals), refusals, 2000, a -> false)
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "test-acceptor");
        acceptor.start();
    }

    @AfterEach
    void close() throws Exception {
        server.close();
        acceptor.join(5000);
        for (Socket s : accepted) {
            s.close();
        }
    }

    private SSLSocket member(String secret) throws Exception {
        SSLSocket s = (SSLSocket) context(secret, new RefusalLog(x -> { }, System::nanoTime)).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        s.setEnabledProtocols(new String[] {ClusterIdentity.PROTOCOL});
        s.setSoTimeout(TIMEOUT_S * 1000);
        return s;
    }

    /** A member that says hello and proves, by reading the answer, that the server kept the connection. */
    private Socket validMemberSays(String text) throws Exception {
        SSLSocket s = member(SECRET);
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        Socket there = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertTrue(there != null, "the valid member was accepted");
        byte[] got = there.getInputStream().readNBytes(text.length());
        assertEquals(text, new String(got, StandardCharsets.US_ASCII));
        return s;
    }

    @Test
    void aMemberWithTheSecretIsAcceptedAndBothSidesSeeTheSameIdentity() throws Exception {
        try (Socket s = validMemberSays("hello")) {
            assertTrue(refused.isEmpty(), "nothing refused: " + refused);
        }
        assertArrayEquals(ClusterIdentity.derive(JGroupsMembership.deriveKey(SECRET, "gk-guardian"), "gk-guardian")
                .certificate().getEncoded(), ClusterIdentity.derive(JGroupsMembership.deriveKey(SECRET,
                        "gk-guardian"), "gk-guardian").certificate().getEncoded(), "derived, not drawn");
        assertNotEquals(ClusterIdentity.derive(JGroupsMembership.deriveKey(SECRET, "other"), "other").certificate()
                .getPublicKey(), ClusterIdentity.derive(JGroupsMembership.deriveKey(SECRET, "gk-guardian"),
                        "gk-guardian").certificate().getPublicKey(), "the cluster name salts the key");
    }

    @Test
    void aHostWithAnotherSecretIsRefusedAndReportedOnce() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (SSLSocket stranger = member("Zq8Wv1Xy2Ab3Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr1St2Uv3=")) {
                // The client side may finish its part of TLS 1.3 before the server judges its certificate.
                assertThrows(IOException.class, () -> {
                    stranger.getOutputStream().write(1);
                    stranger.getOutputStream().flush();
                    if (stranger.getInputStream().read() < 0) {
                        throw new IOException("closed by the server");
                    }
                });
            }
        }
        try (Socket s = validMemberSays("after the stranger")) {
            assertEquals(List.of("127.0.0.1"), refused, "one report for the source, not one per attempt");
            assertTrue(accepted.isEmpty(), "the stranger's connections were never handed out");
        }
    }

    @Test
    void garbageIsRefused() throws Exception {
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            raw.getOutputStream().write("bela\u0005\u0004 I am 198.51.100.13:7800, really".getBytes(
                    StandardCharsets.ISO_8859_1));
            raw.getOutputStream().flush();
            raw.setSoTimeout(TIMEOUT_S * 1000);
            drain(raw.getInputStream());
        }
        try (Socket s = validMemberSays("after the garbage")) {
            assertEquals(List.of("127.0.0.1"), refused);
        }
    }

    @Test
    void aRecordedConnectionReplayedIsRefused() throws Exception {
        // Record what a real member sends, through a relay, as a host on the LAN could capture it.
        ByteArrayOutputStream recording = new ByteArrayOutputStream();
        try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread relayThread = new Thread(() -> relayOnce(relay, recording), "test-relay");
            relayThread.start();
            SSLSocket s = (SSLSocket) context(SECRET, refusals).getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), relay.getLocalPort());
            s.setEnabledProtocols(new String[] {ClusterIdentity.PROTOCOL});
            s.getOutputStream().write("switchover to n1".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Socket there = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertTrue(there != null);
            assertEquals("switchover to n1", new String(there.getInputStream().readNBytes(16),
                    StandardCharsets.US_ASCII));
            s.close();
            there.close();
            relayThread.join(TIMEOUT_S * 1000L);
        }
        byte[] captured = recording.toByteArray();
        assertTrue(captured.length > 100, "a handshake was captured: " + captured.length + " bytes");

        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            raw.setSoTimeout(TIMEOUT_S * 1000);
            try {
                raw.getOutputStream().write(captured);
                raw.getOutputStream().flush();
            } catch (IOException resetByTheServer) {
                // refused before we were done
            }
            drain(raw.getInputStream());
        }
        try (Socket s = validMemberSays("after the replay")) {
            assertEquals(List.of("127.0.0.1"), refused, "the replay was refused");
        }
    }

    @Test
    void aTamperedRecordBreaksTheConnectionInsteadOfBeingDelivered() throws Exception {
        try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Flip one bit of the first application-data record the client sends after the handshake.
            Thread relayThread = new Thread(() -> relayOnce(relay, new ByteArrayOutputStream()), "test-relay");
            relayThread.start();
            SSLSocket s = (SSLSocket) context(SECRET, refusals).getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), relay.getLocalPort());
            s.setEnabledProtocols(new String[] {ClusterIdentity.PROTOCOL});
            s.startHandshake();
            Socket there = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertTrue(there != null, "the handshake itself was relayed untouched");
            tamperNext.set(true);
            s.getOutputStream().write("maintenance off".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            there.setSoTimeout(TIMEOUT_S * 1000);
            assertThrows(SSLException.class, () -> there.getInputStream().readNBytes(15));
            s.close();
            relayThread.join(TIMEOUT_S * 1000L);
        }
    }

    /** The secret, checked by name: the derived identity depends on nothing else. */
    @Test
    void theIdentityIsAFunctionOfTheSecret() throws Exception {
        assertFalse(ClusterIdentity.derive(JGroupsMembership.deriveKey(SECRET, "gk-guardian"), "gk-guardian")
                .certificate().getPublicKey().equals(ClusterIdentity.derive(JGroupsMembership.deriveKey(
                        SECRET + "x", "gk-guardian"), "gk-guardian").certificate().getPublicKey()));
    }

    private static void drain(InputStream in) {
        try {
            while (in.read() >= 0) {
                // the server's alert, if any
            }
        } catch (IOException closed) {
            // reset by the server
        }
    }

    /**
     * Relays one connection to the server and records the client's bytes, record by record; once the test sets
     * {@link #tamperNext}, flips a bit in the next application-data record (type 23) the client sends.
     */
    private void relayOnce(ServerSocket relay, ByteArrayOutputStream recording) {
        try (Socket client = relay.accept();
                Socket upstream = new Socket()) {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            Thread back = new Thread(() -> copy(uncheckedIn(upstream), uncheckedOut(client)), "test-relay-back");
            back.start();
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            while (true) {
                byte[] header = in.readNBytes(5);
                if (header.length < 5) {
                    break;
                }
                int length = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
                byte[] body = in.readNBytes(length);
                if (header[0] == 23 && body.length > 0 && tamperNext.compareAndSet(true, false)) {
                    body[body.length / 2] ^= 0x01;
                }
                synchronized (recording) {
                    recording.write(header);
                    recording.write(body);
                }
                out.write(header);
                out.write(body);
                out.flush();
            }
            back.join(TIMEOUT_S * 1000L);
        } catch (IOException | InterruptedException e) {
            // the test's assertions say what went wrong
        }
    }

    private static InputStream uncheckedIn(Socket s) {
        try {
            return s.getInputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OutputStream uncheckedOut(Socket s) {
        try {
            return s.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        }
    }
}
