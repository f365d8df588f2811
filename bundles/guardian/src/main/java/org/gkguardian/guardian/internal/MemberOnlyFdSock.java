package org.gkguardian.guardian.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Set;
import org.jgroups.Address;
import org.jgroups.blocks.cs.Connection;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.blocks.cs.NioConnection;
import org.jgroups.blocks.cs.NioServer;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.Util;

/**
 * FD_SOCK2 (crash detection over a socket on port+1) with the two holes of its plain NIO server closed. That port
 * cannot carry TLS (JGroups runs it on NIO channels); what it carries is only "are you there" and the closing of a
 * connection. Without this, any host could claim a member's address there and so replace (close) the real
 * member's connection, which FD_SOCK2 takes for a crash; and a length prefix of 2 GB would allocate 2 GB. Here a
 * connection is kept only when it comes from a configured member's address and claims that same address, and a
 * message is at most {@link #MAX_MESSAGE} bytes. A refused host, or a stranger whose bytes JGroups could not read,
 * is reported to the {@link RefusalLog} ({@link BrokenConnectionLog}: not a stack trace per connection).
 */
final class MemberOnlyFdSock extends FD_SOCK2 {

    /** FD_SOCK2's messages are a header with at most a few addresses. */
    static final int MAX_MESSAGE = 64 * 1024;

    private final Set<InetAddress> members;
    private final RefusalLog refusals;

    MemberOnlyFdSock(Set<InetAddress> members, RefusalLog refusals) {
        this.members = Set.copyOf(members);
        this.refusals = refusals;
        // Headers are keyed by protocol id, and only JGroups' own classes have one: speak as FD_SOCK2.
        setId(ClassConfigurator.getProtocolId(FD_SOCK2.class));
    }

    @Override
    protected NioServer createServer(int[] bindPorts) {
        // The guardian configures exactly one port (port + 1, no range).
        try {
            MemberOnlyServer server = new MemberOnlyServer(bindPorts[0]);
            server.setMaxLength(MAX_MESSAGE);
            // Connect from our own internal address, so that the peer sees the address we claim.
            server.clientBindAddress(bind_addr);
            return server;
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen for crash detection on " + bind_addr + ":" + bindPorts[0]
                    + ": " + e.getMessage(), e);
        }
    }

    private final class MemberOnlyServer extends NioServer {
        private final BrokenConnectionLog brokenConnections;

        MemberOnlyServer(int port) throws Exception {
            super(getThreadFactory(), getSocketFactory(), bind_addr, port, port, external_addr, external_port, 0,
                    "jgroups.nio.server.fd_sock");
            brokenConnections = new BrokenConnectionLog(log());
            log(brokenConnections);
        }

        /** A connection that sent something unreadable: reported once per source, not a stack trace each. */
        @Override
        public void closeConnection(Connection conn, boolean notify) {
            Throwable failure = brokenConnections.takeFailure();
            if (failure != null) {
                InetAddress actual = remoteAddress(conn);
                if (actual != null && !members.contains(actual)) {
                    refusals.refused(actual, "it sent something unreadable to the crash-detection port ("
                            + failure.getClass().getSimpleName() + ")");
                }
            }
            super.closeConnection(conn, notify);
        }

        @Override
        public void addConnection(Address claimed, Connection conn) throws Exception {
            InetAddress actual = remoteAddress(conn);
            if (actual != null) {
                boolean member = members.contains(actual);
                boolean truthful = claimed instanceof IpAddress ip && actual.equals(ip.getIpAddress());
                if (!member || !truthful) {
                    refusals.refused(actual, member ? "it claimed another member's address " + claimed
                            + " on the crash-detection port" : "not a configured member (crash-detection port)");
                    Util.close(conn);
                    return;
                }
            }
            super.addConnection(claimed, conn);
        }
    }

    private static InetAddress remoteAddress(Connection conn) {
        if (!(conn instanceof NioConnection nio)) {
            return null;
        }
        SelectionKey key = nio.key();
        if (key == null || !(key.channel() instanceof SocketChannel channel)) {
            return null;
        }
        try {
            return channel.getRemoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
