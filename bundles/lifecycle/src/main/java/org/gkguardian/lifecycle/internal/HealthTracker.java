package org.gkguardian.lifecycle.internal;

import java.time.Duration;

/**
 * Counts probe results and decides, without clocks or I/O: {@code failure.threshold} failures in a
 * row (or a process known to be gone) ask for a restart after a back-off that doubles up to
 * {@code restart.backoff.max.ms}; once {@code restart.attempts} restarts did not help the gatekeeper
 * is declared failed (restarts go on at the back-off); {@code recovery.threshold} good probes in a
 * row recover it and give back the restart budget.
 */
final class HealthTracker {

    enum Action {
        /** Nothing to do. */
        NONE,
        /** Stop what is left and start again after {@link Verdict#delay()}. */
        RESTART,
        /** Declare the gatekeeper failed, then restart after the delay. */
        FAULT,
        /** It answers again after having been failed. */
        RECOVERED
    }

    record Verdict(Action action, Duration delay) {
        static final Verdict NOTHING = new Verdict(Action.NONE, Duration.ZERO);
    }

    private final int failureThreshold;
    private final int recoveryThreshold;
    private final int restartAttempts;
    private final Duration backoffInitial;
    private final Duration backoffMax;

    private int failures;
    private int successes;
    private int restarts;
    private boolean failed;

    HealthTracker(int failureThreshold, int recoveryThreshold, int restartAttempts, Duration backoffInitial,
            Duration backoffMax) {
        this.failureThreshold = failureThreshold;
        this.recoveryThreshold = recoveryThreshold;
        this.restartAttempts = restartAttempts;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
    }

    static HealthTracker of(Settings s) {
        return new HealthTracker(s.failureThreshold(), s.recoveryThreshold(), s.restartAttempts(),
                s.restartBackoffInitial(), s.restartBackoffMax());
    }

    Verdict onSuccess() {
        failures = 0;
        successes++;
        if (successes < recoveryThreshold) {
            return Verdict.NOTHING;
        }
        restarts = 0;
        if (failed) {
            failed = false;
            return new Verdict(Action.RECOVERED, Duration.ZERO);
        }
        return Verdict.NOTHING;
    }

    Verdict onFailure(boolean processGone) {
        successes = 0;
        failures++;
        if (!processGone && failures < failureThreshold) {
            return Verdict.NOTHING;
        }
        failures = 0;
        Duration delay = backoff(restarts);
        boolean exhausted = restarts >= restartAttempts;
        restarts++;
        if (exhausted && !failed) {
            failed = true;
            return new Verdict(Action.FAULT, delay);
        }
        return new Verdict(Action.RESTART, delay);
    }

    /** A start or promotion failed outright: failed at once, and the next try waits its back-off. */
    Verdict onStartFailure() {
        successes = 0;
        failures = 0;
        Duration delay = backoff(restarts);
        restarts++;
        boolean newly = !failed;
        failed = true;
        return new Verdict(newly ? Action.FAULT : Action.RESTART, delay);
    }

    /** New thresholds, the same history: a configuration change must not make a failed gatekeeper look well. */
    HealthTracker continuing(HealthTracker previous) {
        if (previous != null) {
            failures = previous.failures;
            successes = previous.successes;
            restarts = previous.restarts;
            failed = previous.failed;
        }
        return this;
    }

    boolean failed() {
        return failed;
    }

    /** Forget everything, e.g. after an intended stop. */
    void reset() {
        failures = 0;
        successes = 0;
        restarts = 0;
        failed = false;
    }

    Duration backoff(int attempt) {
        Duration d = backoffInitial;
        for (int i = 0; i < attempt && d.compareTo(backoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }
}
