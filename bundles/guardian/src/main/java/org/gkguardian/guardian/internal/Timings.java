package org.gkguardian.guardian.internal;

/**
 * Failure detection and lease timings, in milliseconds.
 *
 * @param heartbeatMs      FD_ALL3 interval and the period of state broadcasts
 * @param failureTimeoutMs FD_ALL3 timeout: a member silent this long is suspected
 * @param verifyTimeoutMs  VERIFY_SUSPECT2 timeout: how long a suspicion is checked
 * @param leaseMs          a master keeps its role only while a majority answered one of its renewals sent within
 *                         this time
 * @param promiseMs        a voter backs the master it last answered for this long after it heard from it, and votes
 *                         for nobody else meanwhile; a gap of the role thread longer than this is a pause of the JVM.
 *                         {@code promise - lease} must cover the launcher's watchdog timeout and its release of the
 *                         VIP, so that a master stopped just before its lease ran out has lost the VIP before any
 *                         voter is free
 */
record Timings(long heartbeatMs, long failureTimeoutMs, long verifyTimeoutMs, long leaseMs, long promiseMs) {

    /**
     * The profiles, each with the lease that goes with its failure timeout. The fast lease is 100 ms, not 30 % of
     * its timeout: a partitioned or stopped master is succeeded when its voters' promise ends, and a promise of
     * 250 ms (the lease and the launcher's 100 ms watchdog and 50 ms release) beats keepalived at 0.1 s, which
     * 300 ms did not.
     */
    static final Timings DEFAULT_PROFILE = new Timings(1000, 5000, 1500, 1500, 0);
    static final Timings FAST_PROFILE = new Timings(100, 500, 250, 100, 0);

    /**
     * The lease when none is configured: the profile's, or 30 % of a failure timeout configured instead of the
     * profile's.
     */
    static long defaultLeaseMs(Timings profile, long failureTimeoutMs) {
        return failureTimeoutMs == profile.failureTimeoutMs() && profile.leaseMs() > 0 ? profile.leaseMs()
                : failureTimeoutMs * 3 / 10;
    }

    /**
     * The promise when none is configured: it outlasts the lease by the lease itself and by no less than 150 ms,
     * the launcher's shortest watchdog (100 ms) and its release (50 ms): fast 250 ms, default 3 s.
     */
    static long defaultPromiseMs(long leaseMs) {
        return leaseMs + Math.max(leaseMs, 150);
    }

    /**
     * How often a master renews its lease: four renewals per lease (fast 25 ms, default 375 ms), so that a lost one or
     * two cost nothing. Each renewal and each answer travels as two datagrams (and on the channel where the datagrams
     * do not get through, see {@link DatagramAnswers}), so a round trip to one voter is lost at 25 % random loss with
     * about 12 %, and all four of a lease (two voters) with about 10^-7.
     * Six per lease doubled what the lease costs a node at rest for no loss tolerance that was measured.
     */
    long renewMs() {
        return Math.max(10, leaseMs / 4);
    }

    /**
     * How long a voter waits after the process of the master it backs was seen to die before it is free: the time
     * the launcher (bin/gkg-node, or systemd's ExecStopPost) has to release the dead JVM's VIP.
     */
    long releaseAllowanceMs() {
        return 50;
    }

    /**
     * How long a master's process may stand still before its launcher must have killed it: after that the launcher
     * still needs its release allowance, and all of it must fit between the end of the lease and the end of the
     * voters' promise (fast profile 100 ms, default 1.45 s), counted from the lease's end: a master asks for this
     * plus what is left of its lease. Never below 20 ms, which the launcher can still tell.
     */
    long watchdogLimitMs() {
        return Math.max(20, promiseMs - leaseMs - releaseAllowanceMs());
    }

    /**
     * How long before the voters' promise to a silent master runs out the member to succeed it gets ready (gatekeeper
     * started, duplicate-address check timed to end with the promise): at most 150 ms, and never more than a lease,
     * so that a master merely late by less than that costs its successor nothing.
     */
    long standEarlyMs() {
        return Math.min(150, leaseMs);
    }

    /**
     * Period of the role machine's own tick, for what changes with time alone (members ageing out of presence,
     * quorum, a switchover running out): a quarter of a heartbeat, no finer than 50 ms and no coarser than 250 ms
     * (fast 50 ms, default 250 ms). What must happen at an exact moment (a death to believe, a promise's end, the
     * master's lease, the duplicate-address check ahead) has its own wake-up, and every message, view change and
     * gatekeeper health change is handled as it comes; each tick is a full evaluation, ten a second were 0.4 % of a
     * core on a default-profile node at rest.
     */
    long tickMs() {
        return Math.max(50, Math.min(250, heartbeatMs / 4));
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

    /**
     * How long the channel may take to merge a healed partition: the next merge offer from each side, the check that
     * finds the two views, and the merge itself (a join's time). A node that was cut off does not take the witness's
     * answer for its silent peer's death before then (default profile 12 s, fast 3 s).
     */
    long rejoinMs() {
        return mergeMaxMs() + mergeCheckMs() + joinTimeoutMs();
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
