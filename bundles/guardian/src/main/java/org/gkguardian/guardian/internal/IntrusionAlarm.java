package org.gkguardian.guardian.internal;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.EventType;
import org.gkguardian.api.Severity;

/**
 * Turns a refusal on the internal LAN (already rate-limited per source by {@link RefusalLog}) into an active alarm
 * {@code intrusion:<address>}, shown by {@code gkg:alarms} and the MIB's alarm table, and clears it once that
 * source has been quiet for {@link #QUIET_MINUTES} minutes. The probable cause is CONFIG_MISMATCH: the api has no
 * intrusion type, and a guardian with another secret is the benign case of the same refusal.
 */
final class IntrusionAlarm implements Consumer<String> {

    static final long QUIET_MINUTES = 10;

    private final Journal journal;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Map<String, ScheduledFuture<?>> clearing = new HashMap<>();

    IntrusionAlarm(Journal journal, ScheduledExecutorService scheduler, Clock clock) {
        this.journal = journal;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    static String id(String peer) {
        return "intrusion:" + peer;
    }

    @Override
    public void accept(String peer) {
        journal.raise(new Alarm(id(peer), Severity.MAJOR, EventType.CONFIG_MISMATCH, clock.instant(),
                "refused " + peer + " on the internal LAN: it does not hold this cluster's secret (see the log for "
                        + "what it sent)"));
        synchronized (clearing) {
            ScheduledFuture<?> previous = clearing.remove(peer);
            if (previous != null) {
                previous.cancel(false);
            }
            try {
                clearing.put(peer, scheduler.schedule(() -> quiet(peer), QUIET_MINUTES, TimeUnit.MINUTES));
            } catch (RuntimeException rejected) {
                // shutting down
            }
        }
    }

    private void quiet(String peer) {
        synchronized (clearing) {
            clearing.remove(peer);
        }
        journal.clear(id(peer));
    }
}
