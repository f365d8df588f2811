package org.gkguardian.guardian.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datagram path of the lease: each renewal and each answer travels as one UDP datagram on the internal address,
 * on the guardians' port number (UDP; the channel itself uses TCP on that number), independent of every other one.
 * On the TCP channel one lost segment holds back everything behind it for at least Linux's minimum retransmission
 * timeout (200 ms), longer than a fast lease (100 ms); here a lost renewal costs that renewal only, and the lease
 * survives as long as one of the four renewals of a lease gets through.
 *
 * <p>A datagram has no TLS, so each one carries its own proof: an HMAC-SHA256 tag over the payload, under a key
 * derived from the cluster key (which only holders of the cluster secret can compute, see
 * {@link #datagramKey}). A datagram from a host that is not a configured member, or whose tag does not verify
 * (wrong key, truncated, altered), is dropped, counted, and reported to the {@link RefusalLog} (once per source per
 * quiet period, and an intrusion alarm). The tag does not stop a replay of a recorded datagram: the messages carried
 * here are made safe against that by what they say (see {@link Agreement#onRenew} and {@link Agreement#onAck}).
 */
final class DatagramLine implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramLine.class);
    static final int TAG_BYTES = 32;
    /** A renewal or an answer is about 60 bytes; anything near a LAN's MTU is not ours. */
    static final int MAX_PAYLOAD = 1024;
    private static final byte[] KEY_LABEL = "gk-guardian datagram key v1".getBytes(StandardCharsets.UTF_8);

    /** Told the payload of every datagram that came from a member and verified; on the line's own thread. */
    interface Receiver {
        void received(InetAddress from, byte[] payload);
    }

    private final InetAddress self;
    private final int port;
    private final Set<InetAddress> members;
    private final Sealer sender;
    private final Sealer receiver;
    private final Receiver onReceived;
    private final RefusalLog refusals;
    private final DatagramChannel channel;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param key     the datagram key ({@link #datagramKey} of the cluster key)
     * @param members the configured members' internal addresses; datagrams from anyone else are refused
     */
    DatagramLine(InetAddress self, int port, List<InetAddress> members, SecretKey key, Receiver onReceived,
            RefusalLog refusals) throws IOException {
        this.self = self;
        this.port = port;
        this.members = Set.copyOf(members);
        this.sender = new Sealer(key);
        this.receiver = new Sealer(key);
        this.onReceived = onReceived;
        this.refusals = refusals;
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(self, port));
        } catch (IOException e) {
            ch.close();
            throw new IOException("datagram line cannot bind " + self.getHostAddress() + ":" + port + "/udp: "
                    + e.getMessage(), e);
        }
        this.channel = ch;
        this.thread = new Thread(this::loop, "gkguardian-datagram");
        thread.setDaemon(true);
    }

    /**
     * The key of the datagrams: HMAC-SHA256 of a fixed label under the cluster key (itself PBKDF2 of the secret,
     * salted with the cluster name), so it is as secret as the cluster key and never the same bytes as any other key
     * derived from it (the TLS identity uses another label).
     */
    static SecretKey datagramKey(SecretKey clusterKey) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(clusterKey);
        return new SecretKeySpec(mac.doFinal(KEY_LABEL), "HmacSHA256");
    }

    void start() {
        thread.start();
    }

    /** Best effort: one datagram to {@code to}; a full socket buffer or an unreachable member loses it, as a LAN may. */
    void send(InetAddress to, byte[] payload) {
        send(List.of(to), payload, 1);
    }

    /**
     * {@code copies} datagrams to each of {@code to}, sealed once: the tag is the costly part of a send, and every copy
     * to every member carries the same bytes.
     */
    void send(Collection<InetAddress> to, byte[] payload, int copies) {
        if (closed || payload.length > MAX_PAYLOAD || to.isEmpty()) {
            return;
        }
        ByteBuffer sealed = ByteBuffer.wrap(sender.seal(payload));
        for (InetAddress member : to) {
            InetSocketAddress target = new InetSocketAddress(member, port);
            for (int i = 0; i < copies; i++) {
                try {
                    channel.send(sealed.rewind(), target);
                } catch (IOException e) {
                    LOG.debug("datagram to {} not sent: {}", member.getHostAddress(), e.toString());
                }
            }
        }
    }

    /** The datagram that carries {@code payload} with its tag, for a sender outside this JVM (the launcher). */
    byte[] seal(byte[] payload) {
        return sender.seal(payload);
    }

    /** Datagrams dropped since the start: not from a member, or not verified. */
    long dropped() {
        return dropped.get();
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_PAYLOAD + TAG_BYTES + 1);
        // The last datagram that verified, per member: its copies (each is sent twice) are dropped unverified.
        Map<InetAddress, byte[]> lastVerified = new HashMap<>();
        // One datagram per call: the JIT compiles a method after a few hundred calls, while the body of a loop that
        // never returns would run interpreted until on-stack replacement, minutes at a node's rate at rest.
        while (!closed && receiveOne(buf, lastVerified)) {
            // next datagram
        }
    }

    /** Receives, checks and hands on one datagram; false once the line is closed. */
    private boolean receiveOne(ByteBuffer buf, Map<InetAddress, byte[]> lastVerified) {
        InetSocketAddress source;
        try {
            buf.clear();
            source = (InetSocketAddress) channel.receive(buf);
        } catch (ClosedChannelException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warn("Datagram line: {}", e.toString());
            }
            return true;
        }
        if (source == null) {
            return true;
        }
        buf.flip();
        byte[] datagram = new byte[buf.remaining()];
        buf.get(datagram);
        InetAddress from = source.getAddress();
        if (!members.contains(from) || from.equals(self)) {
            refuse(from, "it sent a datagram to the guardians' port without being a configured member");
            return true;
        }
        if (Arrays.equals(datagram, lastVerified.get(from))) {
            return true;
        }
        Optional<byte[]> payload = receiver.open(datagram);
        if (payload.isEmpty()) {
            refuse(from, "a datagram on the guardians' port failed authentication (" + datagram.length
                    + " bytes): it does not hold this cluster's key");
            return true;
        }
        lastVerified.put(from, datagram);
        try {
            onReceived.received(from, payload.get());
        } catch (RuntimeException e) {
            LOG.warn("Datagram from {} not handled: {}", from.getHostAddress(), e.toString());
        }
        return true;
    }

    private void refuse(InetAddress from, String why) {
        dropped.incrementAndGet();
        refusals.refused(from, why);
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Appends and checks the tag; one per thread that uses it (a Mac is not thread-safe). */
    static final class Sealer {
        private final Mac mac;

        Sealer(SecretKey key) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }

        /** The payload followed by its tag. */
        synchronized byte[] seal(byte[] payload) {
            byte[] out = Arrays.copyOf(payload, payload.length + TAG_BYTES);
            mac.update(payload);
            byte[] tag = mac.doFinal();
            System.arraycopy(tag, 0, out, payload.length, TAG_BYTES);
            return out;
        }

        /** The payload, when the datagram ends in its tag under our key (compared in constant time); else empty. */
        synchronized Optional<byte[]> open(byte[] datagram) {
            if (datagram.length <= TAG_BYTES || datagram.length > MAX_PAYLOAD + TAG_BYTES) {
                return Optional.empty();
            }
            int n = datagram.length - TAG_BYTES;
            mac.update(datagram, 0, n);
            byte[] expected = mac.doFinal();
            byte[] tag = Arrays.copyOfRange(datagram, n, datagram.length);
            return MessageDigest.isEqual(expected, tag) ? Optional.of(Arrays.copyOf(datagram, n)) : Optional.empty();
        }
    }
}
