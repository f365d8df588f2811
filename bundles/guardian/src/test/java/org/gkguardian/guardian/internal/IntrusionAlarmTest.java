package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IntrusionAlarmTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aRefusedSourceRaisesOneMajorAlarmNamingIt() {
        Journal journal = new Journal(10);
        IntrusionAlarm alarm = new IntrusionAlarm(journal, scheduler,
                Clock.fixed(Instant.parse("2026-12-02T03:00:00Z"), ZoneOffset.UTC));
        alarm.accept("198.51.100.66");
        alarm.accept("198.51.100.66");
        List<Alarm> active = journal.alarms();
        assertEquals(1, active.size());
        assertEquals("intrusion:198.51.100.66", active.get(0).id());
        assertEquals(Severity.MAJOR, active.get(0).severity());
        assertTrue(active.get(0).text().contains("198.51.100.66"), active.get(0).text());
    }
}
