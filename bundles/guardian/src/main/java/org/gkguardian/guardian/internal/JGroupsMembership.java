package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.spec.KeySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
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
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.IpAddress;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardians' group over the internal LAN: JGroups with a static member list (TCP + TCPPING), crash detection
 * (FD_SOCK2), hang and cut detection (FD_ALL3 + VERIFY_SUSPECT2), partition healing (MERGE3), admission limited to
 * the configured addresses (AUTH with a fixed membership) and every message encrypted with a key derived from the
 * cluster secret (SYM_ENCRYPT), guarded by {@link SecretGate}.
 */
final class JGroupsMembership implements Membership, Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);
    private static final int KEY_DERIVATION_ROUNDS = 65_536;

    private final Settings settings;
    private final Listener listener;
    private final Consumer<String> onRefusal;
    private final Consumer<List<Protocol>> stackHook;
    private volatile JChannel channel;
    private volatile LifeLine lifeLine;
    /** The members of the current view by internal address, for messages to one of them. */
    private volatile Map<InetAddress, Address> addressOf = Map.of();

    /**
     * @param onRefusal told the address of every guardian refused for a wrong secret
     * @param stackHook may adjust the protocol list before the channel is built (tests insert fault injection)
     */
    JGroupsMembership(Settings settings, Listener listener, Consumer<String> onRefusal,
            Consumer<List<Protocol>> stackHook) {
        this.settings = settings;
        this.listener = listener;
        this.onRefusal = onRefusal;
        this.stackHook = stackHook;
    }

    /** Builds the stack and joins; blocks up to the join timeout. */
    void connect() throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // JGroups finds some of its parts by name; inside OSGi only its own bundle's loader sees them.
        current.setContextClassLoader(JChannel.class.getClassLoader());
        try {
            JChannel ch = new JChannel(stack());
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
                    listener::crashed);
            lifeLine = line;
            line.start();
            LOG.info("Guardian {} joined cluster '{}' on {}:{} as {}; view {}", settings.nodeName(),
                    settings.clusterName(), settings.internalAddress().getHostAddress(), settings.port(),
                    ch.getAddress(), ch.getView());
            // The first view may have been delivered before the channel field was set.
            viewAccepted(ch.getView());
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private List<Protocol> stack() throws Exception {
        Timings t = settings.timings();
        InetAddress self = settings.internalAddress();
        List<InetSocketAddress> hosts = settings.members().stream()
                .map(a -> new InetSocketAddress(a, settings.port())).collect(Collectors.toList());

        TCP tcp = new TCP();
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

        TCPPING ping = new TCPPING();
        ping.setInitialHosts(hosts);
        ping.setPortRange(0);

        MERGE3 merge = new MERGE3().setMinInterval(t.mergeMinMs()).setMaxInterval(t.mergeMaxMs())
                .setCheckInterval(t.mergeCheckMs());

        FD_SOCK2 fdSock = new FD_SOCK2().setBindAddress(self).setOffset(1).setPortRange(0);
        FD_ALL3 fdAll = new FD_ALL3().setTimeout(t.failureTimeoutMs()).setInterval(t.heartbeatMs());
        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2().setTimeout(t.verifyTimeoutMs());

        SYM_ENCRYPT encrypt = new SYM_ENCRYPT().symAlgorithm("AES/CBC/PKCS5Padding").symIvLength(16);
        encrypt.setSecretKey(deriveKey(settings.secret(), settings.clusterName()));

        FixedMembershipToken token = new FixedMembershipToken();
        token.setMemberList(settings.members().stream().map(a -> a.getHostAddress() + "/" + settings.port())
                .collect(Collectors.joining(",")));
        AUTH auth = new AUTH().setAuthToken(token);
        token.setAuth(auth);

        GMS gms = new GMS().setJoinTimeout(t.joinTimeoutMs());
        gms.setViewAckCollectionTimeout(Math.max(200, t.failureTimeoutMs()));

        List<Protocol> protocols = new ArrayList<>();
        protocols.add(tcp);
        protocols.add(ping);
        // Encryption sits right above discovery, so that heartbeats, suspicions and merge offers of a guardian
        // without the secret are refused too: it can neither keep a member alive nor drag the group into a merge.
        protocols.add(new SecretGate(encrypt, onRefusal));
        protocols.add(encrypt);
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

    /** AES-256 key from the secret; the cluster name salts it so that two clusters never share a key. */
    static SecretKey deriveKey(String secret, String clusterName) throws GeneralSecurityException {
        KeySpec spec = new PBEKeySpec(secret.toCharArray(),
                ("gk-guardian/" + clusterName).getBytes(StandardCharsets.UTF_8), KEY_DERIVATION_ROUNDS, 256);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return new SecretKeySpec(key, "AES");
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
    public void sendUrgent(byte[] payload) {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            return;
        }
        try {
            // Out of band and unreliable: delivered as it arrives, never held behind a lost message.
            ch.send(new BytesMessage(null, payload).setFlag(Message.Flag.OOB, Message.Flag.NO_RELIABILITY,
                    Message.Flag.DONT_BUNDLE));
        } catch (Exception e) {
            LOG.debug("agreement message not sent: {}", e.toString());
        }
    }

    @Override
    public void sendUrgent(InetAddress to, byte[] payload) {
        JChannel ch = channel;
        Address dest = addressOf.get(to);
        if (ch == null || !ch.isConnected() || dest == null) {
            return;
        }
        try {
            ch.send(new BytesMessage(dest, payload).setFlag(Message.Flag.OOB, Message.Flag.NO_RELIABILITY,
                    Message.Flag.DONT_BUNDLE));
        } catch (Exception e) {
            LOG.debug("agreement message to {} not sent: {}", to.getHostAddress(), e.toString());
        }
    }

    @Override
    public void close() {
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
