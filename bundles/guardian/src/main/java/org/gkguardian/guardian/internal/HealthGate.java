package org.gkguardian.guardian.internal;

import java.net.InetAddress;

/**
 * Whether this node may serve, and why not: its gatekeeper, its internal LAN, another host answering for the VIP, a
 * recent pause of its JVM, and promotions that failed. Each failed promotion keeps the node out longer (2 s, then
 * four times as long each time, up to 10 minutes), so that a node that cannot bind or cannot start its gatekeeper
 * does not churn and another member gets its chance, while a passing cause (a dead master's address not yet
 * released by its launcher) costs seconds only. Role thread only.
 */
final class HealthGate {

    static final long FIRST_BACK_OFF_NANOS = 2_000_000_000L;
    static final long MAX_BACK_OFF_NANOS = 600_000_000_000L;

    private final InetAddress internalAddress;
    private final long conflictHoldNanos;
    private final long pauseHoldNanos;
    private boolean gatekeeperHealthy = true;
    private String gatekeeperLabel = "";
    private boolean lanUp = true;
    private long conflictUntil = Long.MIN_VALUE;
    private long pausedUntil = Long.MIN_VALUE;
    private long backOffUntil = Long.MIN_VALUE;
    private int failedPromotions;
    private String lastFailure = "";
    private String duplicateName = "";
    /** Since when the node has been eligible without a break (healthy, not drained, not in fault); MIN_VALUE if not. */
    private long eligibleSince = Long.MIN_VALUE;

    /**
     * @param conflictHoldNanos how long a VIP conflict keeps the node out
     * @param pauseHoldNanos    how long a node whose JVM stood still stays out, for the others to take over
     */
    HealthGate(InetAddress internalAddress, long conflictHoldNanos, long pauseHoldNanos) {
        this.internalAddress = internalAddress;
        this.conflictHoldNanos = conflictHoldNanos;
        this.pauseHoldNanos = pauseHoldNanos;
    }

    /** Whether the node is eligible now (healthy, not in maintenance, not in fault): starts or breaks the stretch. */
    void eligible(boolean eligible, long now) {
        if (!eligible) {
            eligibleSince = Long.MIN_VALUE;
        } else if (eligibleSince == Long.MIN_VALUE) {
            eligibleSince = now;
        }
    }

    /** Whether the node has been eligible without a break for at least {@code nanos} (the preempt delay). */
    boolean eligibleFor(long nanos, long now) {
        return eligibleSince != Long.MIN_VALUE && now - eligibleSince >= nanos;
    }

    boolean healthy(long now) {
        return gatekeeperHealthy && lanUp && now >= conflictUntil && now >= pausedUntil && now >= backOffUntil
                && duplicateName.isEmpty();
    }

    /** Why the node may not serve; empty when it may. */
    String reason(long now) {
        if (!duplicateName.isEmpty()) {
            return duplicateName;
        }
        if (!lanUp) {
            return "internal LAN lost (" + internalAddress.getHostAddress() + " is not on an interface that is up)";
        }
        if (now < conflictUntil) {
            return "VIP conflict";
        }
        if (now < pausedUntil) {
            return "recovering from a pause of this JVM";
        }
        if (now < backOffUntil) {
            return "promotion failed " + failedPromotions + " time(s) in a row (" + lastFailure + "); next try in "
                    + (backOffUntil - now) / 1_000_000_000L + " s";
        }
        if (!gatekeeperHealthy) {
            return "gatekeeper unhealthy" + (gatekeeperLabel.isEmpty() ? "" : " (" + gatekeeperLabel + ")");
        }
        return "";
    }

    /** Another member uses this node's name (empty: no longer): the one with the lower address stays out. */
    void duplicateName(String problem) {
        duplicateName = problem;
    }

    void lan(boolean up) {
        lanUp = up;
    }

    /** The gatekeeper's health as probed; true when it changed. */
    boolean gatekeeper(boolean healthy, String label) {
        gatekeeperLabel = label;
        if (healthy == gatekeeperHealthy) {
            return false;
        }
        gatekeeperHealthy = healthy;
        return true;
    }

    boolean gatekeeperHealthy() {
        return gatekeeperHealthy;
    }

    void paused(long now) {
        pausedUntil = now + pauseHoldNanos;
    }

    /** Whether the hold after a pause of this JVM is all that keeps the node out now. */
    boolean onlyRecoveringFromPause(long now) {
        return now < pausedUntil && gatekeeperHealthy && lanUp && now >= conflictUntil && now >= backOffUntil
                && duplicateName.isEmpty();
    }

    void endPauseHold() {
        pausedUntil = Long.MIN_VALUE;
    }

    void conflict(long now) {
        conflictUntil = now + conflictHoldNanos;
    }

    boolean conflictOver(long now) {
        return now >= conflictUntil;
    }

    /** A promotion failed: the node stays out for its back-off, which grows with each failure in a row. */
    long promotionFailed(long now, String why) {
        failedPromotions++;
        lastFailure = why;
        long backOff = FIRST_BACK_OFF_NANOS;
        for (int i = 1; i < failedPromotions && backOff < MAX_BACK_OFF_NANOS; i++) {
            backOff *= 4;
        }
        backOff = Math.min(backOff, MAX_BACK_OFF_NANOS);
        backOffUntil = now + backOff;
        return backOff;
    }

    void promoted() {
        failedPromotions = 0;
        lastFailure = "";
        backOffUntil = Long.MIN_VALUE;
    }
}
