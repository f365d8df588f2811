package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.gkguardian.lifecycle.internal.HealthTracker.Action;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    private final HealthTracker tracker = new HealthTracker(3, 2, 2, Duration.ofMillis(500), Duration.ofMillis(1500));

    @Test
    void failuresBelowTheThresholdDoNothingAndASuccessResetsTheCount() {
        assertEquals(Action.NONE, tracker.onFailure(false).action());
        assertEquals(Action.NONE, tracker.onFailure(false).action());
        tracker.onSuccess();
        assertEquals(Action.NONE, tracker.onFailure(false).action());
        assertEquals(Action.NONE, tracker.onFailure(false).action());
        assertEquals(Action.RESTART, tracker.onFailure(false).action());
    }

    @Test
    void restartsBackOffThenTheGatekeeperIsDeclaredFailedAndRestartsGoOnAtTheCap() {
        HealthTracker.Verdict first = failThreeTimes();
        assertEquals(Action.RESTART, first.action());
        assertEquals(Duration.ofMillis(500), first.delay());
        HealthTracker.Verdict second = failThreeTimes();
        assertEquals(Action.RESTART, second.action());
        assertEquals(Duration.ofMillis(1000), second.delay());
        HealthTracker.Verdict third = failThreeTimes();
        assertEquals(Action.FAULT, third.action());
        assertEquals(Duration.ofMillis(1500), third.delay());
        assertTrue(tracker.failed());
        HealthTracker.Verdict fourth = failThreeTimes();
        assertEquals(Action.RESTART, fourth.action());
        assertEquals(Duration.ofMillis(1500), fourth.delay());
    }

    @Test
    void aProcessThatIsGoneIsRestartedWithoutWaitingForTheThreshold() {
        assertEquals(Action.RESTART, tracker.onFailure(true).action());
    }

    @Test
    void recoveryNeedsTheConfiguredSuccessesInARowAndRestoresTheRestartBudget() {
        HealthTracker noRestarts = new HealthTracker(1, 2, 0, Duration.ofMillis(100), Duration.ofMillis(100));
        assertEquals(Action.FAULT, noRestarts.onFailure(false).action());
        assertEquals(Action.NONE, noRestarts.onSuccess().action());
        assertEquals(Action.RESTART, noRestarts.onFailure(false).action());
        assertEquals(Action.NONE, noRestarts.onSuccess().action());
        assertEquals(Action.RECOVERED, noRestarts.onSuccess().action());
        assertFalse(noRestarts.failed());
        assertEquals(Action.FAULT, noRestarts.onFailure(false).action());
    }

    @Test
    void aFailedStartIsAFaultAtOnce() {
        assertEquals(Action.FAULT, tracker.onStartFailure().action());
        assertEquals(Action.RESTART, tracker.onStartFailure().action());
        tracker.reset();
        assertFalse(tracker.failed());
    }

    @Test
    void newThresholdsKeepTheHistory() {
        tracker.onStartFailure();
        HealthTracker next = new HealthTracker(1, 1, 0, Duration.ofMillis(100), Duration.ofMillis(100)).continuing(tracker);
        assertTrue(next.failed());
        assertEquals(Action.RECOVERED, next.onSuccess().action());
    }

    private HealthTracker.Verdict failThreeTimes() {
        tracker.onFailure(false);
        tracker.onFailure(false);
        return tracker.onFailure(false);
    }
}
