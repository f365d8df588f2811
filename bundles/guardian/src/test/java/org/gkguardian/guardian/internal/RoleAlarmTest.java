package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoleAlarmTest {

    private long now = 1_000;
    /** Delays of the one-shots scheduled and not cancelled, by when they were set to run. */
    private final List<Long> pending = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();
    private int rang;

    private RoleAlarm alarm() {
        RoleAlarm alarm = new RoleAlarm(() -> now, (delay, task) -> {
            long at = now + delay;
            pending.add(at);
            tasks.add(task);
            int i = pending.size() - 1;
            return () -> pending.set(i, Long.MIN_VALUE);
        });
        alarm.wakes(() -> rang++);
        return alarm;
    }

    @Test
    void anEarlierDeadlineReplacesTheOneSetAndALaterOneWaitsForItToRing() {
        RoleAlarm alarm = alarm();
        alarm.accept(1_500);
        alarm.accept(1_800);
        assertEquals(List.of(1_500L), pending, "a later deadline waits for the one set");
        alarm.accept(1_200);
        assertEquals(List.of(Long.MIN_VALUE, 1_200L), pending, "an earlier one replaces it");
        now = 1_200;
        tasks.get(1).run();
        assertEquals(1, rang);
        alarm.accept(1_800);
        assertEquals(1_800L, pending.get(2), "once it rang, the next deadline is set whatever it is");
    }

    @Test
    void aDeadlineAlreadyPastRingsAtOnceAndNoneSetsNothing() {
        RoleAlarm alarm = alarm();
        alarm.accept(Long.MAX_VALUE);
        assertEquals(List.of(), pending);
        alarm.accept(400);
        assertEquals(List.of(now), pending, "a deadline in the past is due now");
    }
}
