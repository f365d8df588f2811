package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every host the internal LAN turned away (no TLS, a failed or replayed handshake, another cluster's key, a stranger
 * on the failure-detection port): one log line and one report per source per quiet period, so that a flood costs a
 * line, not a disk. Thread-safe.
 */
final class RefusalLog {

    static final long QUIET_NANOS = 30_000_000_000L;
    /** Sources remembered at most; beyond that the table starts afresh (a flood from many addresses). */
    private static final int MAX_SOURCES = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

    private final Consumer<String> onRefusal;
    private final LongSupplier nanoTime;
    private final Map<String, Long> lastReported = new HashMap<>();

    /** @param onRefusal told the source address (text) at most once per quiet period */
    RefusalLog(Consumer<String> onRefusal, LongSupplier nanoTime) {
        this.onRefusal = onRefusal;
        this.nanoTime = nanoTime;
    }

    void refused(InetAddress source, String why) {
        String peer = source == null ? "an unknown address" : source.getHostAddress();
        long now = nanoTime.getAsLong();
        synchronized (lastReported) {
            Long last = lastReported.get(peer);
            if (last != null && now - last < QUIET_NANOS) {
                return;
            }
            if (lastReported.size() >= MAX_SOURCES) {
                lastReported.clear();
            }
            lastReported.put(peer, now);
        }
        LOG.warn("Refused {} on the internal LAN: {}; further refusals of it are not logged for {} s", peer, why,
                QUIET_NANOS / 1_000_000_000L);
        onRefusal.accept(peer);
    }
}
