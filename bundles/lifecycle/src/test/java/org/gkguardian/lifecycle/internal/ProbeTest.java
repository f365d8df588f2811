package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProbeTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void anySipResponseCountsAsAliveAndTheRequestIsWellFormed() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        try (DatagramSocket registrar = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Thread responder = new Thread(() -> answer(registrar, seen, "SIP/2.0 404 Not Here"));
            responder.start();
            ProbeResult r = new SipOptionsProbe(new InetSocketAddress(LOOPBACK, registrar.getLocalPort()),
                    Duration.ofSeconds(2)).check();
            responder.join(2000);
            assertTrue(r.healthy(), r.detail());
            assertEquals("SIP OPTIONS to 127.0.0.1:" + registrar.getLocalPort() + " answered 404", r.detail());
            String request = seen.get();
            assertTrue(request.startsWith("OPTIONS sip:127.0.0.1:" + registrar.getLocalPort() + " SIP/2.0\r\n"), request);
            assertTrue(request.contains("\r\nVia: SIP/2.0/UDP 127.0.0.1:"), request);
            assertTrue(request.contains(";branch=z9hG4bK"), request);
            assertTrue(request.contains("\r\nCSeq: 1 OPTIONS\r\n"), request);
            assertTrue(request.endsWith("Content-Length: 0\r\n\r\n"), request);
        }
    }

    @Test
    void aProbeThatNeverAnswersFailsWithinItsTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            ProbeResult r = new SipOptionsProbe(new InetSocketAddress(LOOPBACK, silent.getLocalPort()),
                    Duration.ofMillis(700)).check();
            assertFalse(r.healthy());
            assertTrue(r.detail().endsWith("no answer within 700 ms"), r.detail());
            // The silent socket got the first request and at least one retransmission.
            silent.setSoTimeout(100);
            DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
            silent.receive(p);
            silent.receive(p);
        }
    }

    @Test
    void aClosedUdpPortFailsFast() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            port = s.getLocalPort();
        }
        ProbeResult r = new SipOptionsProbe(new InetSocketAddress(LOOPBACK, port), Duration.ofSeconds(5)).check();
        assertFalse(r.healthy());
        assertTrue(r.detail().contains("port unreachable") || r.detail().contains("no answer"), r.detail());
    }

    @Test
    void onlyAResponseToOurCallIdCounts() {
        String response = "SIP/2.0 200 OK\r\nVia: x\r\nCall-ID: abc\r\nCSeq: 1 OPTIONS\r\n\r\n";
        assertEquals(Optional.of(200), SipOptionsProbe.statusCode(response, "abc"));
        assertEquals(Optional.empty(), SipOptionsProbe.statusCode(response, "other"));
        assertEquals(Optional.of(100), SipOptionsProbe.statusCode("SIP/2.0 100 Trying\r\ni: abc\r\n\r\n", "abc"));
        assertEquals(Optional.empty(), SipOptionsProbe.statusCode("OPTIONS sip:x SIP/2.0\r\nCall-ID: abc\r\n\r\n", "abc"));
        assertEquals(Optional.empty(), SipOptionsProbe.statusCode("HTTP/1.1 200 OK\r\nCall-ID: abc\r\n\r\n", "abc"));
        assertEquals(Optional.empty(), SipOptionsProbe.statusCode("SIP/2.0 999 Odd\r\nCall-ID: abc\r\n\r\n", "abc"));
        assertEquals(Optional.empty(), SipOptionsProbe.statusCode("garbage", "abc"));
    }

    @Test
    void tcpProbeSeesAListenerAndItsAbsence() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
            port = server.getLocalPort();
            assertTrue(new TcpConnectProbe(new InetSocketAddress(LOOPBACK, port), Duration.ofSeconds(1)).check().healthy());
        }
        assertFalse(new TcpConnectProbe(new InetSocketAddress(LOOPBACK, port), Duration.ofSeconds(1)).check().healthy());
    }

    @Test
    void commandProbeIsHealthyOnExitZeroOnly() {
        CommandRunner runner = new CommandRunner(Optional.empty());
        assertTrue(new CommandProbe(runner, List.of("/bin/true"), Duration.ofSeconds(2)).check().healthy());
        ProbeResult failed = new CommandProbe(runner, List.of("/bin/false"), Duration.ofSeconds(2)).check();
        assertFalse(failed.healthy());
        assertTrue(failed.detail().startsWith("probe.command exited 1"), failed.detail());
        ProbeResult hung = new CommandProbe(runner, List.of("/bin/sleep", "30"), Duration.ofMillis(300)).check();
        assertFalse(hung.healthy());
        assertEquals("probe.command: /bin/sleep did not finish within 300 ms; killed", hung.detail());
    }

    private static void answer(DatagramSocket socket, AtomicReference<String> seen, String statusLine) {
        try {
            socket.setSoTimeout(2000);
            DatagramPacket in = new DatagramPacket(new byte[65535], 65535);
            socket.receive(in);
            String request = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
            seen.set(request);
            String callId = request.lines().filter(l -> l.startsWith("Call-ID:")).findFirst().orElse("Call-ID: none");
            byte[] stray = ("SIP/2.0 200 OK\r\nCall-ID: someone-else\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(stray, stray.length, in.getSocketAddress()));
            byte[] out = (statusLine + "\r\n" + callId + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
        } catch (Exception e) {
            seen.compareAndSet(null, "responder failed: " + e);
        }
    }
}
