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

    /**
     * MERGE3's interval between merge offers. A healed partition stays split until a merge, and a split cluster
     * has no quorum to spare for the next fault: with 5-15 s offers (and JGroups' check every 1.6 x 15 s) a healed
     * node came back after 38 s in the testbed. Offers every 2-4 heartbeats cost a few small messages.
     */
    long mergeMinMs() {
        return Math.max(500, Math.min(heartbeatMs * 2, failureTimeoutMs));
    }

    long mergeMaxMs() {
        return mergeMinMs() * 2;
    }

    /** How often MERGE3 looks for inconsistent views; JGroups wants it above the maximum interval. */
    long mergeCheckMs() {
        return mergeMaxMs() * 3 / 2;
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
