package org.gkguardian.testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The terminal's view of the VIP, run inside the terminal namespace: ARP requests (through
 * {@code arping -u}, which prints the MAC of every reply and the request it answers) and SIP OPTIONS over UDP, each every
 * {@code --interval-ms}, every answer written as a {@link Probe} line. Two hosts answering for the
 * VIP show up as two answers to one ARP request. With {@code --register USER} the SIP probes are REGISTERs of
 * USER, as a terminal sends them, and only their 200 OK answers are written (kind {@code register}).
 *
 * <pre>java -cp testbed.jar org.gkguardian.testbed.Prober --iface eth1 --vip 203.0.113.10
 *      [--sip-port 5060] [--interval-ms 10] [--register USER] --seconds 20 --out probes.csv</pre>
 */
public final class Prober {

    private static final Pattern ARP_REPLY =
            Pattern.compile("from ([0-9a-f]{2}(?::[0-9a-f]{2}){5}) .*index=\\d+/(\\d+)");

    private final String iface;
    private final InetAddress vip;
    private final int sipPort;
    private final long intervalMillis;
    private final long seconds;
    private final PrintWriter out;
    private String registerUser;
    /**
     * When both kinds of probe stop. arping's requests come a little slower than its interval (10.6 s for 1000 at
     * 10 ms), so a count alone outlasts the SIP probes, and the analysis took the difference for a SIP outage at the
     * end of the window (600 and 757 ms, kill-9 and switchover, in warm standby): one deadline keeps the two windows equal.
     */
    private long deadlineNanos;

    private Prober(String iface, InetAddress vip, int sipPort, long intervalMillis, long seconds, PrintWriter out) {
        this.iface = iface;
        this.vip = vip;
        this.sipPort = sipPort;
        this.intervalMillis = intervalMillis;
        this.seconds = seconds;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = new Arguments(args);
        Path outFile = Path.of(arguments.required("--out"));
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(outFile, StandardCharsets.US_ASCII), true)) {
            Prober prober = new Prober(arguments.required("--iface"), InetAddress.getByName(arguments.required("--vip")),
                    Integer.parseInt(arguments.optional("--sip-port", "5060")),
                    Long.parseLong(arguments.optional("--interval-ms", "10")),
                    Long.parseLong(arguments.required("--seconds")), out);
            if (arguments.has("--register")) {
                prober.registerUser = arguments.required("--register");
            }
            prober.run(!arguments.has("--no-sip"));
        }
    }

    private void run(boolean sip) throws Exception {
        deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread arp = new Thread(this::probeArp, "arp-prober");
        arp.start();
        if (sip) {
            probeSip();
        }
        arp.join();
    }

    private void probeArp() {
        double waitSeconds = intervalMillis / 1000.0;
        long count = seconds * 1000 / intervalMillis;
        ProcessBuilder builder = new ProcessBuilder(List.of("arping", "-u", "-i", iface, "-W", Double.toString(waitSeconds),
                "-c", Long.toString(count), vip.getHostAddress())).redirectErrorStream(true);
        try {
            Process process = builder.start();
            Thread stopper = new Thread(() -> stopAtDeadline(process), "arp-deadline");
            stopper.setDaemon(true);
            stopper.start();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    Matcher matcher = ARP_REPLY.matcher(line);
                    if (matcher.find()) {
                        record(new Probe(nowMicros(), "arp", Long.parseLong(matcher.group(2)), matcher.group(1)));
                    }
                }
            }
            process.waitFor(seconds + 5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("arping failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAtDeadline(Process process) {
        try {
            if (!process.waitFor(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                // SIGTERM through the handle: Process.destroy() would also close its output under the reader.
                process.toHandle().destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void probeSip() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(0))) {
            socket.setSoTimeout((int) Math.max(1, intervalMillis / 2));
            Thread receiver = new Thread(() -> receiveSip(socket), "sip-receiver");
            receiver.setDaemon(true);
            receiver.start();
            String local = localAddressTowards(socket);
            long deadline = deadlineNanos;
            long next = System.nanoTime();
            for (long sequence = 1; System.nanoTime() < deadline; sequence++) {
                String message = registerUser == null ? options(sequence, local, socket.getLocalPort())
                        : register(sequence, local, socket.getLocalPort());
                byte[] request = message.getBytes(StandardCharsets.US_ASCII);
                try {
                    socket.send(new DatagramPacket(request, request.length, vip, sipPort));
                } catch (IOException e) {
                    // No route or no ARP answer yet: that request is simply lost, like a terminal's.
                }
                next += TimeUnit.MILLISECONDS.toNanos(intervalMillis);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void receiveSip(DatagramSocket socket) {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            String response = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
            long sequence = registerUser == null ? sipSequence(response) : registeredSequence(response);
            if (sequence > 0) {
                record(new Probe(nowMicros(), registerUser == null ? "sip" : "register", sequence,
                        sipServer(response)));
            }
        }
    }

    static long sipSequence(String response) {
        Matcher matcher = Pattern.compile("(?mi)^CSeq:\\s*(\\d+)\\s+OPTIONS").matcher(response);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** The CSeq of a 200 OK to a REGISTER, or -1 for anything else (a refusal registers nobody). */
    static long registeredSequence(String response) {
        if (!response.startsWith("SIP/2.0 200 ")) {
            return -1;
        }
        Matcher matcher = Pattern.compile("(?mi)^CSeq:\\s*(\\d+)\\s+REGISTER").matcher(response);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    static String sipServer(String response) {
        Matcher matcher = Pattern.compile("(?mi)^Server:\\s*(.+?)\\s*$").matcher(response);
        return matcher.find() ? matcher.group(1).replace(',', ' ') : "unknown";
    }

    private String localAddressTowards(DatagramSocket socket) throws IOException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(vip, sipPort);
            return probe.getLocalAddress().getHostAddress();
        }
    }

    private String options(long sequence, String local, int port) {
        String target = "sip:" + vip.getHostAddress() + ":" + sipPort;
        return "OPTIONS " + target + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ":" + port + ";branch=z9hG4bK-gkgprobe-" + sequence + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:prober@" + local + ">;tag=gkgprobe\r\n"
                + "To: <" + target + ">\r\n"
                + "Call-ID: gkgprobe-" + sequence + "@" + local + "\r\n"
                + "CSeq: " + sequence + " OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private String register(long sequence, String local, int port) {
        String aor = "sip:" + registerUser + "@" + vip.getHostAddress();
        return "REGISTER sip:" + vip.getHostAddress() + ":" + sipPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + local + ":" + port + ";branch=z9hG4bK-gkgreg-" + sequence + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + aor + ">;tag=gkgreg\r\n"
                + "To: <" + aor + ">\r\n"
                + "Call-ID: gkgreg@" + local + "\r\n"
                + "CSeq: " + sequence + " REGISTER\r\n"
                + "Contact: <sip:" + registerUser + "@" + local + ":" + port + ">\r\n"
                + "Expires: 60\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private synchronized void record(Probe probe) {
        out.println(probe.toCsv());
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return ChronoUnit.MICROS.between(Instant.EPOCH, now);
    }
}
