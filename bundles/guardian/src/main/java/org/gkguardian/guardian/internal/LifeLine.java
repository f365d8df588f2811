package org.gkguardian.guardian.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees a member's process die. Every guardian keeps one idle TCP connection to every other one, from and to its
 * internal address, port + 2. When a process dies its kernel closes its sockets at once (FIN or RST); a stopped,
 * hung or cut-off process never closes them, and nothing else does. So a connection that ends after it was up is a
 * death, seen within a round trip, where failure detection by silence needs several heartbeats. A guardian that stops
 * on purpose closes it too, but only after it released the VIP and resigned.
 *
 * <p>Nothing is sent on the connections: one thread waits on a selector and costs nothing at rest. Connections are
 * taken only from configured members' addresses. A host on the LAN that can forge TCP resets could fake a death;
 * the voters' release allowance after it and the duplicate-address check limit what that buys.
 */
final class LifeLine implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LifeLine.class);
    private static final long RECONNECT_MS = 200;
    /** A connection counts as a life only once it stayed up this long: a peer that refuses us is no death. */
    private static final long SETTLED_NANOS = 1_000_000_000L;

    private final InetAddress self;
    private final int port;
    private final Set<InetAddress> peers = new HashSet<>();
    private final Consumer<InetAddress> onDeath;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    /** Peers with a connection that is up, and since when; one death is reported per life. */
    private final Map<InetAddress, Long> alive = new HashMap<>();
    private final Map<InetAddress, SocketChannel> outgoing = new HashMap<>();
    private final Map<InetAddress, Long> nextAttempt = new HashMap<>();
    /** Told of every connection from a host that is not a member (RefusalLog: once per source, an alarm). */
    private final BiConsumer<InetAddress, String> onStranger;
    private volatile boolean closed;

    /**
     * @param onDeath    called on the life line's thread with the internal address of a member whose process died
     * @param onStranger called with a host that connected without being a member, and why it was refused
     */
    LifeLine(InetAddress self, int port, List<InetAddress> members, Consumer<InetAddress> onDeath,
            BiConsumer<InetAddress, String> onStranger) throws IOException {
        this.self = self;
        this.port = port;
        this.onDeath = onDeath;
        this.onStranger = onStranger;
        for (InetAddress m : members) {
            if (!m.equals(self)) {
                peers.add(m);
            }
        }
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(self, port));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw new IOException("life line cannot listen on " + self.getHostAddress() + ":" + port + ": "
                    + e.getMessage(), e);
        }
        this.thread = new Thread(this::loop, "gkguardian-lifeline");
        thread.setDaemon(true);
    }

    void start() {
        if (!peers.isEmpty()) {
            thread.start();
        }
    }

    private void loop() {
        ByteBuffer sink = ByteBuffer.allocate(64);
        while (!closed) {
            try {
                long untilNextAttemptMs = connectWhereMissing();
                if (untilNextAttemptMs == 0) {
                    // Every connection is up or under way: only a peer (a close, a connection) or close() wakes us.
                    selector.select();
                } else {
                    selector.select(untilNextAttemptMs);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isConnectable()) {
                        finishConnect(key);
                    } else if (key.isReadable()) {
                        read(key, sink);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("Life line: {}", e.toString());
                }
            }
        }
    }

    /**
     * Opens a connection to each peer that has none and is due for an attempt; returns how long until the next
     * attempt is due (at least 1 ms), or 0 when every peer has a connection, up or under way, and nothing is due.
     */
    private long connectWhereMissing() {
        long now = System.nanoTime();
        long earliestDue = Long.MAX_VALUE;
        for (InetAddress peer : peers) {
            if (outgoing.containsKey(peer)) {
                continue;
            }
            long due = nextAttempt.getOrDefault(peer, Long.MIN_VALUE);
            if (now < due) {
                earliestDue = Math.min(earliestDue, due);
                continue;
            }
            nextAttempt.put(peer, now + RECONNECT_MS * 1_000_000L);
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.bind(new InetSocketAddress(self, 0));
                ch.connect(new InetSocketAddress(peer, port));
                ch.register(selector, SelectionKey.OP_CONNECT, peer);
                outgoing.put(peer, ch);
            } catch (IOException e) {
                LOG.debug("life line to {}: {}", peer.getHostAddress(), e.toString());
                earliestDue = Math.min(earliestDue, now + RECONNECT_MS * 1_000_000L);
            }
        }
        return earliestDue == Long.MAX_VALUE ? 0 : Math.max(1, (earliestDue - now + 999_999) / 1_000_000);
    }

    private void accept() throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) {
            return;
        }
        InetAddress from = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
        if (!peers.contains(from)) {
            onStranger.accept(from, "it connected to the life line (port + 2) without being a configured member");
            ch.close();
            return;
        }
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, from);
        up(from);
    }

    private void finishConnect(SelectionKey key) {
        InetAddress peer = (InetAddress) key.attachment();
        SocketChannel ch = (SocketChannel) key.channel();
        try {
            if (ch.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ);
                up(peer);
            }
        } catch (IOException e) {
            // Not there (yet): its guardian is down or starting; try again later.
            drop(key, peer, ch);
        }
    }

    private void read(SelectionKey key, ByteBuffer sink) {
        InetAddress peer = (InetAddress) key.attachment();
        SocketChannel ch = (SocketChannel) key.channel();
        int n;
        try {
            sink.clear();
            n = ch.read(sink);
        } catch (IOException e) {
            n = -1;
        }
        if (n >= 0) {
            return; // nothing is sent on a life line; ignore whatever comes
        }
        drop(key, peer, ch);
        Long since = alive.remove(peer);
        if (since != null && System.nanoTime() - since >= SETTLED_NANOS && !closed) {
            LOG.info("Life line: the guardian process at {} is gone (its connection closed)", peer.getHostAddress());
            onDeath.accept(peer);
        }
    }

    private void up(InetAddress peer) {
        if (alive.putIfAbsent(peer, System.nanoTime()) == null) {
            LOG.debug("life line to {} is up", peer.getHostAddress());
        }
    }

    private void drop(SelectionKey key, InetAddress peer, SocketChannel ch) {
        key.cancel();
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (outgoing.get(peer) == ch) {
            outgoing.remove(peer);
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }
}
