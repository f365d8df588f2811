package org.gkguardian.lifecycle.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Sends a SIP OPTIONS request over UDP (RFC 3261) and counts any SIP response to it as alive: a
 * registrar that answers 404 or 483 is still serving. Retransmits like a SIP client (T1 = 500 ms,
 * doubling) until the probe timeout.
 */
final class SipOptionsProbe implements Probe {

    private static final Duration T1 = Duration.ofMillis(500);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final InetSocketAddress target;
    private final Duration timeout;

    SipOptionsProbe(InetSocketAddress target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    @Override
    public ProbeResult check() {
        String callId = token(12);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(target.getAddress() instanceof Inet6Address
                ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0"), 0))) {
            socket.connect(target);
            byte[] request = request(socket, callId).getBytes(StandardCharsets.UTF_8);
            byte[] buffer = new byte[65535];
            long wait = T1.toMillis();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return ProbeResult.failed("SIP OPTIONS to " + describe() + ": no answer within " + timeout.toMillis() + " ms");
                }
                socket.send(new DatagramPacket(request, request.length));
                long until = System.nanoTime() + Math.min(wait, left) * 1_000_000;
                wait *= 2;
                while (true) {
                    long slice = (until - System.nanoTime()) / 1_000_000;
                    if (slice <= 0) {
                        break;
                    }
                    socket.setSoTimeout((int) Math.max(1, slice));
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                    Optional<Integer> status = statusCode(message, callId);
                    if (status.isPresent()) {
                        return ProbeResult.ok("SIP OPTIONS to " + describe() + " answered " + status.get());
                    }
                }
            }
        } catch (PortUnreachableException e) {
            return ProbeResult.failed("SIP OPTIONS to " + describe() + ": port unreachable");
        } catch (IOException e) {
            return ProbeResult.failed("SIP OPTIONS to " + describe() + ": " + e.getMessage());
        }
    }

    private String describe() {
        return hostPart(target.getAddress()) + ":" + target.getPort();
    }

    private String request(DatagramSocket socket, String callId) {
        String local = hostPart(socket.getLocalAddress()) + ":" + socket.getLocalPort();
        String uri = "sip:" + describe();
        return "OPTIONS " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK" + token(8) + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:gk-guardian@" + local + ">;tag=" + token(4) + "\r\n"
                + "To: <" + uri + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Contact: <sip:gk-guardian@" + local + ">\r\n"
                + "Accept: application/sdp\r\n"
                + "User-Agent: GK-Guardian-probe\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /**
     * The status code of a SIP response to our request (same Call-ID), or empty for anything else:
     * a request, garbage, or a late answer to an earlier probe.
     */
    static Optional<Integer> statusCode(String message, String callId) {
        int end = message.indexOf("\r\n");
        String statusLine = end < 0 ? message : message.substring(0, end);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].equals("SIP/2.0") || parts[1].length() != 3) {
            return Optional.empty();
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (code < 100 || code > 699) {
            return Optional.empty();
        }
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            if (name.equalsIgnoreCase("Call-ID") || name.equals("i")) {
                return line.substring(colon + 1).trim().equals(callId) ? Optional.of(code) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String hostPart(InetAddress address) {
        return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }

    private static String token(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
