package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.gkguardian.api.VipAddress;

/** ARP by running the host's arping, a process per probe and per announcement: the fallback of {@link SocketArpTool}. */
final class ArpingTool implements ArpTool {
    static final Duration PROCESS_ALLOWANCE = Duration.ofMillis(100);
    /**
     * Habets' arping counts its deadline from its own start, pcap and libnet set-up included (~45 ms here, more on a
     * busy machine): with 50 ms it sent its probes late and missed a holder's answer under load (election-proof.sh,
     * a stopped master's VIP). 100 ms is what it had before the socket came.
     */
    static final Duration MINIMUM_WINDOW = Duration.ofMillis(100);
    private final Arping arping;
    private final CommandRunner runner;

    ArpingTool(Arping arping, CommandRunner runner) {
        this.arping = arping;
        this.runner = runner;
    }

    @Override
    public String describe() {
        return arping.describe();
    }

    /** Habets' arping: ~100 ms here, pcap and libnet set-up and exit (measured with strace). */
    @Override
    public Duration overhead() {
        return PROCESS_ALLOWANCE;
    }

    @Override
    public Duration minimumWindow() {
        return MINIMUM_WINDOW;
    }

    @Override
    public Map<VipAddress, Pending<Arping.Probe>> startProbes(List<VipAddress> vips, int count, Duration interval,
            Duration window) throws IOException {
        Map<VipAddress, Pending<Arping.Probe>> running = new LinkedHashMap<>();
        for (VipAddress vip : vips) {
            try {
                CommandRunner.Started started = runner.start(arping.probe(vip, count, interval, window));
                running.put(vip, pending(started, started.exit().thenApply(result -> {
                    try {
                        return arping.probeResult(result);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                })));
            } catch (IOException e) {
                running.values().forEach(Pending::stop);
                throw new IOException(vip + ": " + e.getMessage(), e);
            }
        }
        return running;
    }

    @Override
    public Pending<Void> announce(VipAddress vip) throws IOException {
        CommandRunner.Started started = runner.start(arping.announce(vip));
        return pending(started, started.exit().thenApply(result -> {
            if (!arping.announced(result)) {
                throw new CompletionException(new IOException(result.problem()));
            }
            return null;
        }));
    }

    private static <T> Pending<T> pending(CommandRunner.Started started, CompletableFuture<T> outcome) {
        return new Pending<>() {
            @Override
            public CompletableFuture<T> outcome() {
                return outcome;
            }

            @Override
            public void stop() {
                started.stop();
            }
        };
    }
}
