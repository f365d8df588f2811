package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.Severity;
import org.junit.jupiter.api.Test;

class NoticesTest {

    private final Fakes.DirectPublisher publisher = new Fakes.DirectPublisher();
    private final List<GuardianEvent> published = publisher.listener.events;
    private final Journal journal = new Journal(10);
    private final Notices notices = new Notices("n1", journal, publisher, Clock.fixed(Instant.parse("2026-12-02T07:00:00Z"), ZoneOffset.UTC), () -> 7);

    @Test
    void everyAlarmTypeHasAClearOfItsOwn() {
        List<EventType> alarms = Arrays.stream(EventType.values()).filter(t -> t.clearedBy().isPresent()).toList();
        assertEquals(7, alarms.size(), alarms.toString());
        assertEquals(alarms.size(), alarms.stream().map(t -> t.clearedBy().get()).distinct().count());
        alarms.forEach(t -> assertTrue(t.clearedBy().get().clears(), t.toString()));
        assertFalse(EventType.MASTER_CHANGED.clears());
    }

    @Test
    void aClearCarriesTheIdentifierOfTheAlarmItRaised() {
        notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, "n2"),
                "config-mismatch:198.51.100.2", Severity.WARNING, "differs");
        notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, "n2"),
                "config-mismatch:198.51.100.2", Severity.WARNING, "differs");
        assertTrue(notices.clear("config-mismatch:198.51.100.2", Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER,
                "n2")));
        assertFalse(notices.clear("config-mismatch:198.51.100.2", Cause.CONFIGURATION, Map.of()),
                "a second clear finds nothing and publishes nothing");

        assertEquals(2, published.size(), published.toString());
        GuardianEvent raised = published.get(0);
        GuardianEvent cleared = published.get(1);
        assertEquals(EventType.CONFIG_MISMATCH, raised.type());
        assertEquals("config-mismatch:198.51.100.2", raised.detail(GuardianEvent.ALARM_ID));
        assertEquals("warning", raised.detail(GuardianEvent.SEVERITY));
        assertEquals(EventType.CONFIG_MISMATCH_CLEARED, cleared.type());
        assertEquals("config-mismatch:198.51.100.2", cleared.detail(GuardianEvent.ALARM_ID));
        assertEquals("cleared", cleared.detail(GuardianEvent.SEVERITY));
        assertEquals("n2", cleared.detail(GuardianEvent.MEMBER));
        assertTrue(journal.alarms().isEmpty());
    }

    @Test
    void aJoinIsPublishedWithTheAlarmItWouldClearEvenWhenNoneWasRaised() {
        notices.cleared(EventType.MEMBER_UP, "member-down:198.51.100.3", Cause.ELECTION,
                Map.of(GuardianEvent.MEMBER, "n3"));
        assertEquals(1, published.size());
        assertEquals("member-down:198.51.100.3", published.get(0).detail(GuardianEvent.ALARM_ID));
        assertEquals("cleared", published.get(0).detail(GuardianEvent.SEVERITY));
    }

    @Test
    void anAlarmTypeCannotBePublishedWithoutItsIdentifier() {
        assertThrows(IllegalArgumentException.class,
                () -> notices.event(EventType.SWITCHOVER_FAILED, Cause.SWITCHOVER, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> notices.event(EventType.MEMBER_UP, Cause.ELECTION, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> notices.raise(EventType.MASTER_CHANGED, Cause.ELECTION,
                Map.of(), "x", Severity.MAJOR, "x"));
        assertTrue(published.isEmpty());
    }
}
