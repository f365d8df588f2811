package org.gkguardian.guardian.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.BytesMessage;
import org.jgroups.EmptyMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Version;
import org.jgroups.blocks.cs.Connection;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.PingData;
import org.jgroups.protocols.PingHeader;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;

/**
 * A hostile host on the internal LAN, for testbed/tests/hostile-lan.sh. It knows the members' addresses and the
 * cluster name, may have captured their traffic, and does not know the secret. Each mode prints one line per
 * attempt and what came of it; whether the cluster noticed is for the script to read from the guardians.
 *
 * <pre>
 *   replay   PCAP SELF                     replays every client-to-server TCP stream to ports 7800/7801 in PCAP
 *   wrongkey SELF MEMBERS PORT SECONDS     a real guardian's membership stack with another (strong) secret
 *   plain    SELF MEMBERS PORT SECONDS     a JGroups channel without TLS: discovery, join, leave, in clear
 *   crafted  SELF MEMBERS PORT             hand-made frames: claim a member's address, forged discovery, leave
 *   flood    SELF MEMBERS PORT SECONDS     garbage and absurd length prefixes at port and port+1
 * </pre>
 */
public final class HostileLan {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CLAIM = "intruder: switch over to me".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HostileLan() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "replay" -> replay(Path.of(args[1]), InetAddress.getByName(args[2]));
            case "wrongkey" -> wrongKey(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "plain" -> plain(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "crafted" -> crafted(InetAddress.getByName(args[1]), members(args[2]), Integer.parseInt(args[3]));
            case "flood" -> flood(InetAddress.getByName(args[1]), members(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        // JGroups' per-destination bundler threads are not daemons and outlive a closed channel.
        System.exit(0);
    }

    private static List<InetAddress> members(String list) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (String s : list.split(",")) {
            out.add(InetAddress.getByName(s.trim()));
        }
        return out;
    }

    // ------------------------------------------------------------------ replay

    /** The client-to-server byte streams to ports 7800/7801 of a pcap capture (Ethernet, IPv4), in order. */
    static Map<String, ByteBuffer> streams(Path pcap) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(pcap));
        int magic = file.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            file.order(ByteOrder.BIG_ENDIAN);
        }
        int linkType = file.getInt(20);
        if (linkType != 1) {
            throw new IllegalArgumentException("link type " + linkType + " (only Ethernet captures)");
        }
        Map<String, java.io.ByteArrayOutputStream> flows = new LinkedHashMap<>();
        Map<String, Set<Long>> seen = new LinkedHashMap<>();
        int at = 24;
        while (at + 16 <= file.limit()) {
            int captured = file.getInt(at + 8);
            int frame = at + 16;
            at = frame + captured;
            ByteBuffer f = ByteBuffer.wrap(file.array(), frame, captured).slice();
            if (captured < 54 || f.getShort(12) != 0x0800) {
                continue;
            }
            int ip = 14;
            int ihl = (f.get(ip) & 0x0F) * 4;
            int total = f.getShort(ip + 2) & 0xFFFF;
            if (f.get(ip + 9) != 6) {
                continue;
            }
            int tcp = ip + ihl;
            int srcPort = f.getShort(tcp) & 0xFFFF;
            int dstPort = f.getShort(tcp + 2) & 0xFFFF;
            long seq = f.getInt(tcp + 4) & 0xFFFFFFFFL;
            int dataOffset = ((f.get(tcp + 12) >> 4) & 0x0F) * 4;
            int payload = ip + total - (tcp + dataOffset);
            if ((dstPort != 7800 && dstPort != 7801) || payload <= 0 || tcp + dataOffset + payload > captured) {
                continue;
            }
            String key = addr(f, ip + 12) + ":" + srcPort + " -> " + addr(f, ip + 16) + ":" + dstPort;
            if (!seen.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(seq)) {
                continue; // a retransmission
            }
            byte[] data = new byte[payload];
            f.get(tcp + dataOffset, data);
            flows.computeIfAbsent(key, k -> new java.io.ByteArrayOutputStream()).writeBytes(data);
        }
        Map<String, ByteBuffer> out = new LinkedHashMap<>();
        flows.forEach((k, v) -> out.put(k, ByteBuffer.wrap(v.toByteArray())));
        return out;
    }

    private static String addr(ByteBuffer f, int at) {
        return (f.get(at) & 0xFF) + "." + (f.get(at + 1) & 0xFF) + "." + (f.get(at + 2) & 0xFF) + "."
                + (f.get(at + 3) & 0xFF);
    }

    private static void replay(Path pcap, InetAddress self) throws Exception {
        Map<String, ByteBuffer> flows = streams(pcap);
        System.out.println("replay: " + flows.size() + " captured streams to ports 7800/7801");
        for (Map.Entry<String, ByteBuffer> flow : flows.entrySet()) {
            String target = flow.getKey().substring(flow.getKey().indexOf("-> ") + 3);
            String host = target.substring(0, target.lastIndexOf(':'));
            int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
            byte[] data = flow.getValue().array();
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(self, 0));
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(3000);
                String outcome;
                try {
                    s.getOutputStream().write(data);
                    s.getOutputStream().flush();
                    long answered = drain(s.getInputStream());
                    outcome = "closed by the guardian after " + answered + " bytes of answer";
                } catch (IOException e) {
                    outcome = "cut off: " + e.getMessage();
                }
                System.out.println("replay: " + data.length + " bytes of " + flow.getKey() + ": " + outcome);
            }
        }
    }

    private static long drain(InputStream in) {
        long n = 0;
        byte[] buf = new byte[4096];
        try {
            for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
            }
        } catch (IOException e) {
            // reset or timeout: the guardian stopped talking
        }
        return n;
    }

    // ------------------------------------------------------------------ a guardian with another secret

    private static void wrongKey(String self, String memberList, int port, int seconds) throws Exception {
        String secret = Base64.getEncoder().encodeToString(RANDOM.generateSeed(32));
        GuardianConfig config = TestConfig.defaults().with("node.name", "intruder").with("internal.address", self)
                .with("members", memberList + "," + self).with("port", port).with(".cluster.secret", secret)
                .with("quorum.policy", "none").with("priority", 255).build();
        Settings settings = SettingsValidator.validate(config);
        AtomicInteger biggestView = new AtomicInteger();
        JGroupsMembership membership = new JGroupsMembership(settings, new Membership.Listener() {
            @Override
            public void viewChanged(Set<InetAddress> members) {
                biggestView.accumulateAndGet(members.size(), Math::max);
            }

            @Override
            public void received(byte[] buf, int offset, int length) {
                System.out.println("wrongkey: RECEIVED a guardian message of " + length + " bytes");
            }
        }, peer -> System.out.println("wrongkey: we refused " + peer), protocols -> { });
        try {
            membership.connect();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                // Something for the guardians to act on, every 200 ms.
                membership.send(CLAIM);
                Thread.sleep(200);
            }
        } finally {
            membership.close(); // a leave request, if anyone listened
        }
        System.out.println("wrongkey: the largest view we saw had " + biggestView.get() + " member(s)");
    }

    // ------------------------------------------------------------------ JGroups in clear

    private static void plain(String self, String memberList, int port, int seconds) throws Exception {
        InetAddress bind = InetAddress.getByName(self);
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (InetAddress m : members(memberList)) {
            hosts.add(new InetSocketAddress(m, port));
        }
        TCP tcp = new TCP();
        tcp.setBindAddress(bind);
        tcp.setBindPort(port);
        tcp.setClientBindAddr(bind);
        TCPPING ping = new TCPPING();
        ping.setInitialHosts(hosts);
        ping.setPortRange(0);
        GMS gms = new GMS().setJoinTimeout(1000);
        JChannel ch = new JChannel(tcp, ping, new MERGE3().setMinInterval(500).setMaxInterval(1500),
                new NAKACK2(), new UNICAST3(), new STABLE(), gms);
        ch.setName("intruder");
        ch.connect("gk-guardian"); // discovery requests, then a join request to whoever answers
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int largest = 0;
        while (System.nanoTime() < end) {
            largest = Math.max(largest, ch.getView().size());
            ch.send(new BytesMessage(null, CLAIM));
            Thread.sleep(200);
        }
        ch.disconnect(); // a leave request
        ch.close();
        System.out.println("plain: the largest view we saw had " + largest + " member(s)");
    }

    // ------------------------------------------------------------------ crafted frames

    /**
     * On each member's port: JGroups' connection preamble claiming to be another member (the connection-table
     * hijack), a discovery request that maps a member's name to our address, and a leave request for a member.
     */
    private static void crafted(InetAddress self, List<InetAddress> members, int port) throws Exception {
        short pingId = ClassConfigurator.getProtocolId(TCPPING.class);
        short gmsId = ClassConfigurator.getProtocolId(GMS.class);
        UUID fake = UUID.randomUUID();
        for (InetAddress target : members) {
            InetAddress claimed = members.stream().filter(m -> !m.equals(target)).findFirst().orElse(target);
            for (int p : new int[] {port, port + 1}) {
                PingData data = new PingData(fake, true, "n3", new IpAddress(self, port));
                Message discovery = new BytesMessage(null, Util.streamableToByteBuffer(data)).setSrc(fake)
                        .putHeader(pingId, new PingHeader(PingHeader.GET_MBRS_REQ).clusterName("gk-guardian"));
                Message leave = new EmptyMessage(null).setSrc(fake)
                        .putHeader(gmsId, new GMS.GmsHeader(GMS.GmsHeader.LEAVE_REQ, UUID.randomUUID()));
                String outcome;
                try (Socket s = new Socket()) {
                    s.bind(new InetSocketAddress(self, 0));
                    s.connect(new InetSocketAddress(target, p), 2000);
                    s.setSoTimeout(3000);
                    OutputStream out = s.getOutputStream();
                    ByteArrayDataOutputStream preamble = new ByteArrayDataOutputStream(64);
                    IpAddress claim = new IpAddress(claimed, p);
                    preamble.write(Connection.cookie);
                    preamble.writeShort(Version.version);
                    preamble.writeShort(claim.serializedSize());
                    claim.writeTo(preamble);
                    out.write(preamble.buffer(), 0, preamble.position());
                    for (Message m : List.of(discovery, leave)) {
                        ByteArrayDataOutputStream frame = new ByteArrayDataOutputStream(256);
                        Util.writeMessage(m, frame, true);
                        byte[] length = ByteBuffer.allocate(4).putInt(frame.position()).array();
                        out.write(length);
                        out.write(frame.buffer(), 0, frame.position());
                    }
                    out.flush();
                    outcome = "closed by the guardian after " + drain(s.getInputStream()) + " bytes of answer";
                } catch (IOException e) {
                    outcome = "cut off: " + e.getMessage();
                }
                System.out.println("crafted: to " + target.getHostAddress() + ":" + p + " claiming to be "
                        + claimed.getHostAddress() + ":" + p + ", forged discovery + leave: " + outcome);
            }
        }
    }

    // ------------------------------------------------------------------ garbage

    private static void flood(InetAddress self, List<InetAddress> members, int port, int seconds) throws Exception {
        AtomicLong connections = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (InetAddress target : members) {
            for (int p : new int[] {port, port + 1}) {
                Thread t = new Thread(() -> {
                    byte[] junk = new byte[16 * 1024];
                    int i = 0;
                    while (System.nanoTime() < end) {
                        try (Socket s = new Socket()) {
                            s.bind(new InetSocketAddress(self, 0));
                            s.connect(new InetSocketAddress(target, p), 1000);
                            s.setSoTimeout(500);
                            OutputStream out = s.getOutputStream();
                            if (i++ % 2 == 0) {
                                // A plausible preamble, then a 2 GB length prefix.
                                out.write(Connection.cookie);
                                out.write(new byte[] {0x14, 0x00, 0x00, 0x07, 0x04, 127, 0, 0, 1, 0x1E, 0x78});
                                out.write(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                            }
                            RANDOM.nextBytes(junk);
                            out.write(junk);
                            out.flush();
                            bytes.addAndGet(junk.length);
                            connections.incrementAndGet();
                            new DataInputStream(s.getInputStream()).read();
                        } catch (IOException e) {
                            // the guardian hung up: on to the next
                        }
                    }
                }, "flood-" + target.getHostAddress() + ":" + p);
                t.start();
                threads.add(t);
            }
        }
        // The lease's datagrams (UDP, the same port number): forged renewals and answers naming the members, sealed
        // with a tag under no key, and plain junk.
        AtomicLong datagrams = new AtomicLong();
        Thread udp = new Thread(() -> {
            try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open()) {
                ch.bind(new InetSocketAddress(self, 0));
                int i = 0;
                while (System.nanoTime() < end) {
                    for (InetAddress target : members) {
                        InetAddress other = members.get(i % members.size());
                        byte[] payload = i % 2 == 0
                                ? Wire.encode(new Wire.LeaseRenew(1 + i % 50, other, RANDOM.nextLong(), System.nanoTime()))
                                : Wire.encode(new Wire.LeaseAck(1 + i % 50, target, RANDOM.nextLong(), System.nanoTime(),
                                        other));
                        byte[] datagram = new byte[payload.length + DatagramLine.TAG_BYTES];
                        RANDOM.nextBytes(datagram);
                        System.arraycopy(payload, 0, datagram, 0, payload.length);
                        ch.send(ByteBuffer.wrap(i % 3 == 0 ? junkOf(RANDOM.nextInt(1400)) : datagram),
                                new InetSocketAddress(target, port));
                        datagrams.incrementAndGet();
                    }
                    i++;
                    Thread.sleep(1);
                }
            } catch (IOException | InterruptedException e) {
                System.out.println("flood: datagrams stopped: " + e);
            }
        }, "flood-udp");
        udp.start();
        threads.add(udp);
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("flood: " + connections.get() + " connections, " + bytes.get() / 1024
                + " KiB of garbage at ports " + port + " and " + (port + 1) + " of " + members.size() + " members, "
                + datagrams.get() + " forged datagrams at " + port + "/udp");
    }

    private static byte[] junkOf(int length) {
        byte[] junk = new byte[length];
        RANDOM.nextBytes(junk);
        return junk;
    }
}
