package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LivenessTest {

    private static final long MS = 1_000_000L;
    private final Liveness liveness = new Liveness();

    @Test
    void aThreadThatFinishedNoStepWithinTheLimitIsNotProgressingUnlessBusyAtTheEdge() {
        assertFalse(liveness.progressing(150 * MS, 0), "not started");
        liveness.start(0);
        assertTrue(liveness.progressing(150 * MS, 150 * MS));
        assertFalse(liveness.progressing(150 * MS, 151 * MS), "stuck");
        liveness.busy(100 * MS);
        assertTrue(liveness.progressing(150 * MS, 10_000 * MS), "binding the VIP");
        assertFalse(liveness.progressing(150 * MS, 30_101 * MS), "busy for longer than any edge may take");
        liveness.idle(30_101 * MS);
        assertTrue(liveness.progressing(150 * MS, 30_200 * MS));
        liveness.stop();
        assertFalse(liveness.progressing(150 * MS, 30_200 * MS), "stopped");
    }

    @Test
    void theWatchdogLimitCountsTheLeaseLeftInWholeStepsNeverMoreThanIsLeft() {
        assertEquals(100, liveness.plusLeaseLeft(100, 0), "no lease published");
        liveness.leaseEnds(150 * MS);
        assertEquals(250, liveness.plusLeaseLeft(100, 0));
        assertEquals(225, liveness.plusLeaseLeft(100, 1 * MS), "149 ms left: one step less");
        assertEquals(225, liveness.plusLeaseLeft(100, 25 * MS), "the same limit from one keep-alive to the next");
        assertEquals(100, liveness.plusLeaseLeft(100, 140 * MS), "10 ms left: less than a step");
        assertEquals(100, liveness.plusLeaseLeft(100, 200 * MS), "the lease is over");
        liveness.leaseEnds(Long.MIN_VALUE);
        assertEquals(100, liveness.plusLeaseLeft(100, 0));
    }
}
