package org.gkguardian.guardian.internal;

/**
 * Whether the role thread is alive: started and not stopped, when it last finished a step, and whether it is busy at
 * the edge (a gatekeeper start, a VIP bind) rather than stuck. Written on the role thread, read from any thread (the
 * heartbeat and the launcher's keep-alive).
 */
final class Liveness {

    /**
     * The longest a gatekeeper start or a VIP bind may keep the role thread (their own timeouts are shorter): past
     * it the thread counts as stuck, so the heartbeats, renewals and the launcher's keep-alives stop.
     */
    private static final long EDGE_LIMIT_NANOS = 30_000_000_000L;

    private volatile boolean started;
    private volatile boolean stopped;
    private long startedNanos;
    private volatile long lastAliveNanos;
    private volatile long busySince = Long.MIN_VALUE;
    /** When this master's lease ends (role thread's view, published for the keep-alive thread); MIN_VALUE: none. */
    private volatile long leaseEndNanos = Long.MIN_VALUE;
    static final long LEASE_STEP_MS = 25;

    void start(long now) {
        startedNanos = now;
        lastAliveNanos = now;
        started = true;
    }

    void stop() {
        stopped = true;
    }

    boolean running() {
        return started && !stopped;
    }

    boolean stopped() {
        return stopped;
    }

    long startedNanos() {
        return startedNanos;
    }

    /** The role thread is alive at {@code now} (it runs a step, or finished one). */
    void alive(long now) {
        lastAliveNanos = now;
    }

    /** How long since the role thread was last alive. */
    long sinceAlive(long now) {
        return now - lastAliveNanos;
    }

    /** When this master's lease ends, as the role thread last saw it; MIN_VALUE when it has none. */
    void leaseEnds(long endNanos) {
        leaseEndNanos = endNanos;
    }

    /**
     * {@code limitMs} plus what is left of the lease published last (nothing when none is), rounded down to whole
     * steps of {@link #LEASE_STEP_MS}: never more than is left, and the same from one keep-alive to the next, which
     * the launcher then reads without parsing it again.
     */
    long plusLeaseLeft(long limitMs, long now) {
        long end = leaseEndNanos;
        long leftMs = end == Long.MIN_VALUE ? 0 : Math.max(0, end - now) / 1_000_000L;
        return limitMs + leftMs / LEASE_STEP_MS * LEASE_STEP_MS;
    }

    /** An action at the edge begins. */
    void busy(long now) {
        busySince = now;
    }

    /** The action at the edge is over: busy is not paused, the thread was alive throughout. */
    void idle(long now) {
        busySince = Long.MIN_VALUE;
        lastAliveNanos = now;
    }

    boolean busy() {
        return busySince != Long.MIN_VALUE;
    }

    /** Running, and alive within {@code within} or busy at the edge for less than its limit. */
    boolean progressing(long within, long now) {
        long busy = busySince;
        return running() && (now - lastAliveNanos <= within
                || (busy != Long.MIN_VALUE && now - busy <= EDGE_LIMIT_NANOS));
    }
}
