package org.gkguardian.guardian.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardians' listening socket: {@link #accept()} hands out only connections whose TLS handshake, with client
 * authentication against the cluster identity, has completed. Everything else (garbage, a replayed recording, a
 * host with another key) is closed here and reported to the {@link RefusalLog}, so JGroups never reads a byte from
 * it and never lets it claim a member's address.
 */
final class AuthenticatingServerSocket extends ServerSocket {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticatingServerSocket.class);

    private final SSLSocketFactory tls;
    private final RefusalLog refusals;
    private final int handshakeTimeoutMs;
    private final Predicate<InetAddress> member;

    AuthenticatingServerSocket(SSLContext context, RefusalLog refusals, int handshakeTimeoutMs,
            Predicate<InetAddress> member) throws IOException {
        this.tls = context.getSocketFactory();
        this.refusals = refusals;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.member = member;
    }

    @Override
    public Socket accept() throws IOException {
        while (true) {
            Socket plain = new Socket();
            implAccept(plain);
            InetAddress peer = plain.getInetAddress();
            SSLSocket secured = null;
            try {
                secured = (SSLSocket) tls.createSocket(plain, null, true);
                secured.setUseClientMode(false);
                secured.setNeedClientAuth(true);
                secured.setEnabledProtocols(new String[] {ClusterIdentity.PROTOCOL});
                secured.setSoTimeout(handshakeTimeoutMs);
                secured.startHandshake();
                secured.setSoTimeout(0);
                return secured;
            } catch (IOException e) {
                close(secured, plain);
                if (isClosed()) {
                    throw new SocketException("closed");
                }
                if (causedBy(e, ClusterIdentity.ForeignKeyException.class)) {
                    continue; // the trust manager reported it, with a better reason
                }
                if (member.test(peer) && hungUp(e)) {
                    // Two members connecting to each other at once: JGroups keeps one connection and closes the
                    // other, sometimes in the middle of its handshake. Not an intrusion.
                    LOG.debug("handshake with member {} ended early: {}", peer.getHostAddress(), e.toString());
                    continue;
                }
                refusals.refused(peer, reason(e));
            }
        }
    }

    /** The peer went away (EOF, reset, broken pipe) rather than said something wrong. */
    private static boolean hungUp(IOException e) {
        if (causedBy(e, EOFException.class) || causedBy(e, SocketException.class)) {
            return true;
        }
        String message = String.valueOf(e.getMessage());
        return message.contains("Broken pipe") || message.contains("Connection reset")
                || message.contains("Remote host terminated the handshake") || message.contains("closed");
    }

    private static String reason(IOException e) {
        if (causedBy(e, SocketTimeoutException.class)) {
            return "no TLS handshake within the timeout";
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext")) {
            return "it does not speak TLS (garbage, or a guardian of a release without it)";
        }
        return "TLS handshake failed (" + message + "): not a guardian of this cluster, or a replayed recording";
    }

    static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void close(Socket secured, Socket plain) {
        try {
            if (secured != null) {
                secured.close();
            }
            plain.close();
        } catch (IOException ignored) {
            // nothing to do for a socket we are giving up
        }
    }

    /** Makes unbound {@link AuthenticatingServerSocket}s; JGroups binds them itself. */
    static ServerSocketFactory factory(SSLContext context, RefusalLog refusals, int handshakeTimeoutMs,
            Predicate<InetAddress> member) {
        return new ServerSocketFactory() {
            @Override
            public ServerSocket createServerSocket() throws IOException {
                return new AuthenticatingServerSocket(context, refusals, handshakeTimeoutMs, member);
            }

            @Override
            public ServerSocket createServerSocket(int port) throws IOException {
                return createServerSocket(port, 50, null);
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                return createServerSocket(port, backlog, null);
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
                ServerSocket s = createServerSocket();
                s.bind(new java.net.InetSocketAddress(address, port), backlog);
                return s;
            }
        };
    }
}
