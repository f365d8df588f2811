package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.gkguardian.api.VipAddress;

/**
 * How an IPv4 VIP's duplicate address check and its gratuitous ARPs leave this host: through a packet socket in the
 * JVM ({@link SocketArpTool}), or by running an arping program ({@link ArpingTool}) where the socket cannot be opened.
 */
public interface ArpTool {

    /** An exchange under way: its outcome, and how to end it early. */
    interface Pending<T> {
        /** Completes with the outcome, or exceptionally with an IOException that says why the exchange failed. */
        CompletableFuture<T> outcome();

        /** Ends the exchange; an outcome not decided by then may never complete. */
        void stop();
    }

    /** For log lines: how ARP is sent. */
    String describe();

    /** What a duplicate address check takes beyond its window: starting and ending it. */
    Duration overhead();

    /** The shortest window this tool's checks can be trusted with; a shorter configured one is raised to it. */
    Duration minimumWindow();

    /**
     * Starts a duplicate address check of each VIP (RFC 5227 probes from 0.0.0.0: {@code count} of them {@code interval}
     * apart, listening for {@code window}) and returns at once. An outcome not complete when the caller's window is
     * over means nobody answered.
     *
     * @throws IOException when a check cannot start (what was started is stopped)
     */
    Map<VipAddress, Pending<Arping.Probe>> startProbes(List<VipAddress> vips, int count, Duration interval,
            Duration window) throws IOException;

    /**
     * Starts one gratuitous ARP for the VIP and returns at once.
     *
     * @throws IOException when it cannot be started
     */
    Pending<Void> announce(VipAddress vip) throws IOException;
}
