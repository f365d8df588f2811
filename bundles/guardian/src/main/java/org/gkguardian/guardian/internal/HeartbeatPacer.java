package org.gkguardian.guardian.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the heartbeat when its next message is due rather than at a fixed rate: a backup repeats its state once per
 * heartbeat, only a master renews its lease every renewal period, and every wake-up of an idle node costs CPU taken
 * from the gatekeeper beside it. {@link #wakeNow} brings the next beat forward (a node that starts renewing).
 *
 * <p>Each scheduled beat carries the generation it was scheduled in; {@link #wakeNow} cancels the beat waiting and starts
 * a new generation, so a beat of an older one that is running meanwhile does not schedule a second chain of beats.
 */
final class HeartbeatPacer {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPacer.class);

    private final ScheduledExecutorService executor;
    private final LongSupplier beat;
    private final BooleanSupplier current;
    private final long fallbackNanos;
    private final Object lock = new Object();
    private long generation;
    private ScheduledFuture<?> next;

    /**
     * @param executor      the heartbeat thread
     * @param beat          one beat; returns the nanoseconds until the next one is due
     * @param current       false once the pacer's cluster was stopped or replaced: no further beat is scheduled
     * @param fallbackNanos the wait after a beat that failed
     */
    HeartbeatPacer(ScheduledExecutorService executor, LongSupplier beat, BooleanSupplier current, long fallbackNanos) {
        this.executor = executor;
        this.beat = beat;
        this.current = current;
        this.fallbackNanos = fallbackNanos;
    }

    /** The first beat after {@code delayNanos}; a chain of beats started before (by {@link #wakeNow}) ends. */
    void start(long delayNanos) {
        synchronized (lock) {
            supersede();
            schedule(generation, delayNanos);
        }
    }

    /** The next beat at once, instead of when it was last thought due. Safe from any thread. */
    void wakeNow() {
        synchronized (lock) {
            supersede();
            schedule(generation, 0);
        }
    }

    private void run(long scheduledIn) {
        synchronized (lock) {
            if (scheduledIn != generation) {
                return;
            }
        }
        long wait = fallbackNanos;
        try {
            wait = beat.getAsLong();
        } catch (RuntimeException e) {
            LOG.error("Heartbeat failed", e);
        }
        synchronized (lock) {
            if (scheduledIn == generation) {
                schedule(scheduledIn, wait);
            }
        }
    }

    /** A new generation: the beat waiting is cancelled, one running now schedules no successor. */
    private void supersede() {
        generation++;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    private void schedule(long in, long delayNanos) {
        if (!current.getAsBoolean()) {
            return;
        }
        try {
            next = executor.schedule(() -> run(in), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // The heartbeat thread was shut down with the component.
        }
    }
}
