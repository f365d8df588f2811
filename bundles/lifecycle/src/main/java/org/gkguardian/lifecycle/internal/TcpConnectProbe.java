package org.gkguardian.lifecycle.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Healthy when a TCP connection to the gatekeeper's port is accepted. */
final class TcpConnectProbe implements Probe {

    private final InetSocketAddress target;
    private final Duration timeout;

    TcpConnectProbe(InetSocketAddress target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    @Override
    public ProbeResult check() {
        try (Socket socket = new Socket()) {
            socket.connect(target, (int) timeout.toMillis());
            return ProbeResult.ok("TCP connect to " + target + " accepted");
        } catch (IOException e) {
            return ProbeResult.failed("TCP connect to " + target + ": " + e.getMessage());
        }
    }
}
