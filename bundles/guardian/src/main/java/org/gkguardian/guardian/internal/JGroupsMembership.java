package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.spec.KeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.PhysicalAddress;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.auth.FixedMembershipToken;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.IpAddress;
import org.jgroups.stack.Protocol;
import org.jgroups.util.DefaultSocketFactory;
import org.jgroups.util.MessageBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardians' group over the internal LAN: JGroups with a static member list (TCP + TCPPING), crash detection
 * (FD_SOCK2, limited to members by {@link MemberOnlyFdSock}), hang and cut detection (FD_ALL3 + VERIFY_SUSPECT2),
 * partition healing (MERGE3) and admission limited to the configured addresses (AUTH with a fixed membership).
 *
 * <p>Every byte on the guardians' port travels in TLS 1.3 with mutual authentication by the cluster identity, which
 * is derived from the cluster secret ({@link ClusterIdentity}); the listening socket hands JGroups only connections
 * that completed that handshake ({@link AuthenticatingServerSocket}). So discovery, views, leave requests,
 * heartbeats and our own messages are authenticated and fresh (TLS's per-connection keys and record sequence
 * numbers: a recording replayed on a new connection fails the handshake), and a host without the secret cannot
 * claim a member's address in the transport's connection table. TLS rather than a message MAC of our own: the
 * connection table sits below every protocol, so only an authenticated connection keeps it honest.
 */
final class JGroupsMembership implements Membership, Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);
    private static final int KEY_DERIVATION_ROUNDS = 65_536;
    /** A LAN handshake takes milliseconds; a host that stalls the listening socket longer is dropped. */
    private static final int HANDSHAKE_TIMEOUT_MS = 2000;
    /** Guardians exchange small messages; a larger length prefix is refused instead of allocated. */
    private static final int MAX_MESSAGE = 4 * 1024 * 1024;
    /**
     * A node alone in its member list has nobody to discover, so it need not wait the profile's join timeout for
     * answers: that wait was 2 s of the 6 s a one-node cluster of the default profile took from start to master.
     */
    static final long LONE_JOIN_TIMEOUT_MS = 50;

    private final Settings settings;
    private final Listener listener;
    private final RefusalLog refusals;
    private final Consumer<List<Protocol>> stackHook;
    private volatile JChannel channel;
    private volatile LifeLine lifeLine;
    private volatile DatagramLine datagrams;
    /** Tests: while true, no datagram is sent or taken (as DISCARD does for the channel). */
    private volatile java.util.function.BooleanSupplier datagramsCut = () -> false;
    /** The members of the current view by internal address, for messages to one of them. */
    private volatile Map<InetAddress, Address> addressOf = Map.of();

    /**
     * @param onRefusal told the address of every host refused on the internal LAN (at most once per source per
     *                  {@link RefusalLog#QUIET_NANOS})
     * @param stackHook may adjust the protocol list before the channel is built (tests insert fault injection)
     */
    JGroupsMembership(Settings settings, Listener listener, Consumer<String> onRefusal,
            Consumer<List<Protocol>> stackHook) {
        this.settings = settings;
        this.listener = listener;
        this.refusals = new RefusalLog(onRefusal, System::nanoTime);
        this.stackHook = stackHook;
    }

    /** Builds the stack and joins; blocks up to the join timeout. */
    void connect() throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // JGroups finds some of its parts by name; inside OSGi only its own bundle's loader sees them.
        current.setContextClassLoader(JChannel.class.getClassLoader());
        try {
            SecretKey clusterKey = deriveKey(settings.secret(), settings.clusterName());
            JChannel ch = new JChannel(stack(clusterKey));
            ch.setName(settings.nodeName());
            ch.setDiscardOwnMessages(true);
            ch.setReceiver(this);
            try {
                ch.connect(settings.clusterName());
            } catch (Exception e) {
                ch.close();
                throw e;
            }
            channel = ch;
            LifeLine line = new LifeLine(settings.internalAddress(), settings.port() + 2, settings.members(),
                    listener::crashed, refusals::refused);
            lifeLine = line;
            line.start();
            if (settings.members().size() > 1) {
                DatagramLine udp = new DatagramLine(settings.internalAddress(), settings.port(), settings.members(),
                        DatagramLine.datagramKey(clusterKey), (from, payload) -> {
                            if (!datagramsCut.getAsBoolean()) {
                                listener.receivedDatagram(from, payload);
                            }
                        }, refusals);
                datagrams = udp;
                udp.start();
            }
            LOG.info("Guardian {} joined cluster '{}' on {}:{} as {}; view {}", settings.nodeName(),
                    settings.clusterName(), settings.internalAddress().getHostAddress(), settings.port(),
                    ch.getAddress(), ch.getView());
            // The first view may have been delivered before the channel field was set.
            viewAccepted(ch.getView());
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** How long joining waits for the other members to answer discovery before this node founds the group. */
    static long joinTimeoutMs(Settings settings) {
        return settings.members().size() == 1 ? LONE_JOIN_TIMEOUT_MS : settings.timings().joinTimeoutMs();
    }

    private List<Protocol> stack(SecretKey clusterKey) throws Exception {
        Timings t = settings.timings();
        InetAddress self = settings.internalAddress();
        List<InetSocketAddress> hosts = settings.members().stream()
                .map(a -> new InetSocketAddress(a, settings.port())).collect(Collectors.toList());

        ClusterIdentity identity = ClusterIdentity.derive(clusterKey, settings.clusterName());
        SSLContext tls = identity.sslContext(peer -> refusals.refused(peer, "it does not hold this cluster's key"));
        DefaultSocketFactory sockets = new DefaultSocketFactory(tls.getSocketFactory(),
                AuthenticatingServerSocket.factory(tls, refusals, HANDSHAKE_TIMEOUT_MS, settings.members()::contains));
        sockets.setSocketConfigurator(s -> {
            if (s instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(new String[] {ClusterIdentity.PROTOCOL});
            }
        });

        TCP tcp = new QuietTcp();
        tcp.setSocketFactory(sockets);
        tcp.setMaxLength(MAX_MESSAGE);
        tcp.setBindAddress(self);
        tcp.setBindPort(settings.port());
        tcp.setPortRange(0);
        tcp.setClientBindAddr(self);
        // A member that drops packets (partition, pulled cable) must not delay what goes to the others: with one
        // bundler thread for all destinations, each connect attempt to it (MERGE3 keeps trying) held up every
        // heartbeat for the connect timeout, and the healthy majority suspected each other (measured in the
        // testbed's partition scenario). One sender per destination, a short connect timeout (a LAN answers a SYN
        // in well under a millisecond), and non-blocking writes keep a silent peer's trouble to its own queue.
        tcp.setBundlerType("pd");
        tcp.nonBlockingSends(true);
        tcp.setSockConnTimeout((int) Math.max(100, Math.min(1000, t.failureTimeoutMs() / 4)));
        // Sized for a cluster of a few members, not JGroups' default of up to 200 threads kept 30 s: a few
        // pool threads, idle ones gone after 5 s, and a message that finds them all busy is handled on the
        // receiving thread rather than dropped and retransmitted.
        tcp.getThreadPool().setMinThreads(1).setMaxThreads(8).setKeepAliveTime(5_000).setRejectionPolicy("run");

        TCPPING ping = new TCPPING();
        ping.setInitialHosts(hosts);
        ping.setPortRange(0);

        MERGE3 merge = new MERGE3().setMinInterval(t.mergeMinMs()).setMaxInterval(t.mergeMaxMs())
                .setCheckInterval(t.mergeCheckMs());

        FD_SOCK2 fdSock = new MemberOnlyFdSock(Set.copyOf(settings.members()), refusals).setBindAddress(self).setOffset(1).setPortRange(0);
        FD_ALL3 fdAll = new FD_ALL3().setTimeout(t.failureTimeoutMs()).setInterval(t.heartbeatMs());
        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2().setTimeout(t.verifyTimeoutMs());

        FixedMembershipToken token = new FixedMembershipToken();
        token.setMemberList(settings.members().stream().map(a -> a.getHostAddress() + "/" + settings.port())
                .collect(Collectors.joining(",")));
        AUTH auth = new AUTH().setAuthToken(token);
        token.setAuth(auth);

        // JGroups prints its "GMS: address=..." banner to standard output, i.e. into the Karaf console; the view is
        // logged by this class instead.
        GMS gms = new GMS().setJoinTimeout(joinTimeoutMs(settings)).printLocalAddress(false);
        gms.setViewAckCollectionTimeout(Math.max(200, t.failureTimeoutMs()));

        List<Protocol> protocols = new ArrayList<>();
        protocols.add(tcp);
        protocols.add(ping);
        protocols.add(merge);
        protocols.add(fdSock);
        protocols.add(fdAll);
        protocols.add(verify);
        protocols.add(new NAKACK2());
        protocols.add(new UNICAST3());
        protocols.add(new STABLE());
        protocols.add(auth);
        protocols.add(gms);
        protocols.add(new FRAG4());
        stackHook.accept(protocols);
        return protocols;
    }

    /** 256-bit key from the secret; the cluster name salts it so that two clusters never share a key. */
    static SecretKey deriveKey(String secret, String clusterName) throws GeneralSecurityException {
        KeySpec spec = new PBEKeySpec(secret.toCharArray(),
                ("gk-guardian/" + clusterName).getBytes(StandardCharsets.UTF_8), KEY_DERIVATION_ROUNDS, 256);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return new SecretKeySpec(key, "HmacSHA256");
    }

    @Override
    public void send(byte[] payload) {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            return;
        }
        try {
            ch.send(new BytesMessage(null, payload));
        } catch (Exception e) {
            LOG.debug("state not sent: {}", e.toString());
        }
    }

    @Override
    public void send(InetAddress to, byte[] payload) {
        JChannel ch = channel;
        Address dest = addressOf.get(to);
        if (ch == null || !ch.isConnected() || dest == null) {
            return;
        }
        try {
            ch.send(new BytesMessage(dest, payload));
        } catch (Exception e) {
            LOG.debug("message to {} not sent: {}", to, e.toString());
        }
    }

    @Override
    public void sendUrgent(byte[] payload) {
        sendUrgent((Address) null, payload);
    }

    @Override
    public void sendUrgent(InetAddress to, byte[] payload) {
        Address dest = addressOf.get(to);
        if (dest != null) {
            sendUrgent(dest, payload);
        }
    }

    /** Out of band and unreliable: delivered as it arrives, never held behind a lost message. */
    private void sendUrgent(Address dest, byte[] payload) {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            return;
        }
        try {
            ch.send(new BytesMessage(dest, payload).setFlag(Message.Flag.OOB, Message.Flag.NO_RELIABILITY,
                    Message.Flag.DONT_BUNDLE));
        } catch (Exception e) {
            LOG.debug("agreement message to {} not sent: {}", dest == null ? "all" : dest, e.toString());
        }
    }

    @Override
    public Optional<byte[]> sealDatagram(byte[] payload) {
        DatagramLine udp = datagrams;
        return udp == null ? Optional.empty() : Optional.of(udp.seal(payload));
    }

    /** Tests that cut a member off with DISCARD cut its datagrams with this. */
    void datagramsCut(java.util.function.BooleanSupplier cut) {
        datagramsCut = cut;
    }

    @Override
    public void sendDatagram(InetAddress to, byte[] payload) {
        DatagramLine udp = datagrams;
        if (udp != null && !datagramsCut.getAsBoolean()) {
            udp.send(to, payload);
        }
    }

    @Override
    public void sendDatagrams(Collection<InetAddress> to, byte[] payload, int copies) {
        DatagramLine udp = datagrams;
        if (udp != null && !datagramsCut.getAsBoolean()) {
            udp.send(to, payload, copies);
        }
    }

    @Override
    public void close() {
        DatagramLine udp = datagrams;
        datagrams = null;
        if (udp != null) {
            udp.close();
        }
        JChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
        LifeLine line = lifeLine;
        lifeLine = null;
        if (line != null) {
            line.close();
        }
    }

    @Override
    public void receive(Message msg) {
        listener.received(msg.getArray(), msg.getOffset(), msg.getLength());
    }

    @Override
    public void receive(MessageBatch batch) {
        for (Message m : batch) {
            receive(m);
        }
    }

    @Override
    public void viewAccepted(View view) {
        JChannel ch = channel;
        if (ch == null || view == null) {
            return;
        }
        Set<InetAddress> members = new HashSet<>();
        Map<InetAddress, Address> addresses = new HashMap<>();
        for (Address a : view.getMembers()) {
            Object physical = ch.down(new Event(Event.GET_PHYSICAL_ADDRESS, a));
            if (physical instanceof IpAddress ip) {
                members.add(ip.getIpAddress());
                addresses.put(ip.getIpAddress(), a);
            } else if (a.equals(ch.getAddress())) {
                members.add(settings.internalAddress());
            } else {
                LOG.debug("no physical address for {} ({})", a, physical instanceof PhysicalAddress ? physical : "");
            }
        }
        LOG.debug("view {} -> {}", view, members);
        addressOf = Map.copyOf(addresses);
        listener.viewChanged(members);
    }
}
