package org.gkguardian.guardian.internal;

/**
 * Failure detection and lease timings, in milliseconds.
 *
 * @param heartbeatMs      FD_ALL3 interval and the period of state broadcasts
 * @param failureTimeoutMs FD_ALL3 timeout: a member silent this long is suspected
 * @param verifyTimeoutMs  VERIFY_SUSPECT2 timeout: how long a suspicion is checked
 * @param leaseMs          a master keeps its role only while it heard a quorum within this time; a gap of the
 *                         scheduler longer than this is treated as a pause of the JVM
 */
record Timings(long heartbeatMs, long failureTimeoutMs, long verifyTimeoutMs, long leaseMs) {

    static final Timings DEFAULT_PROFILE = new Timings(1000, 5000, 1500, 0);
    static final Timings FAST_PROFILE = new Timings(100, 500, 250, 0);

    /** Period of the role machine's own tick: fine enough to notice a lease running out. */
    long tickMs() {
        return Math.max(20, Math.min(100, heartbeatMs / 2));
    }

    long mergeMinMs() {
        return Math.max(500, Math.min(heartbeatMs * 5, failureTimeoutMs));
    }

    long mergeMaxMs() {
        return mergeMinMs() * 3;
    }

    long joinTimeoutMs() {
        return Math.max(500, Math.min(2000, failureTimeoutMs));
    }

    /**
     * How long after a detected pause the node ignores what it hears: long enough for the messages buffered
     * while it was stopped to be drained and for the others to have excluded it.
     */
    long distrustMs() {
        return failureTimeoutMs + verifyTimeoutMs + 2 * heartbeatMs;
    }

    /** How long a starting node listens before it may promote itself when it has not heard every member. */
    long startupGraceMs() {
        return failureTimeoutMs + verifyTimeoutMs;
    }
}
