package org.gkguardian.guardian.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Alarms and events of one node: kept in the journal, logged once, and published to the listeners. */
final class Notices {

    private static final Logger LOG = LoggerFactory.getLogger(Notices.class);

    private final String node;
    private final Journal journal;
    private final Publisher publisher;
    private final Clock clock;
    private final LongSupplier epoch;

    Notices(String node, Journal journal, Publisher publisher, Clock clock, LongSupplier epoch) {
        this.node = node;
        this.journal = journal;
        this.publisher = publisher;
        this.clock = clock;
        this.epoch = epoch;
    }

    /**
     * Raises an alarm; only the first raise while it is active is logged and published, carrying the alarm's
     * identifier and severity so that an NMS can pair it with its clear. Returns whether it was published.
     */
    boolean raise(EventType type, Cause cause, Map<String, String> details, String alarmId, Severity severity,
            String text) {
        if (type.clearedBy().isEmpty()) {
            throw new IllegalArgumentException(type + " raises no alarm");
        }
        Instant at = clock.instant();
        if (journal.raise(new Alarm(alarmId, severity, type, at, text))) {
            LOG.warn("{} on {}: {}", type.label(), node, text);
            Map<String, String> d = new HashMap<>(details);
            d.putIfAbsent(GuardianEvent.TEXT, text);
            d.put(GuardianEvent.ALARM_ID, alarmId);
            d.put(GuardianEvent.SEVERITY, severity.label());
            publisher.event(new GuardianEvent(type, node, epoch.getAsLong(), cause, at, d));
            return true;
        }
        return false;
    }

    /**
     * Clears an alarm; when it was active, publishes the event that clears its type, with the same identifier.
     * Returns whether it was active.
     */
    boolean clear(String alarmId, Cause cause, Map<String, String> details) {
        Optional<Alarm> was = journal.remove(alarmId);
        was.ifPresent(a -> publishClear(a.probableCause().clearedBy().orElseThrow(), alarmId, cause, details));
        return was.isPresent();
    }

    /**
     * Publishes a clearing event whether or not the alarm was active (a member that joins, a gatekeeper that
     * answers), so the NMS sees the transition; it carries the identifier of the alarm it clears.
     */
    void cleared(EventType clearing, String alarmId, Cause cause, Map<String, String> details) {
        if (!clearing.clears()) {
            throw new IllegalArgumentException(clearing + " clears no alarm");
        }
        journal.remove(alarmId);
        publishClear(clearing, alarmId, cause, details);
    }

    private void publishClear(EventType clearing, String alarmId, Cause cause, Map<String, String> details) {
        Map<String, String> d = new HashMap<>(details);
        d.put(GuardianEvent.ALARM_ID, alarmId);
        d.put(GuardianEvent.SEVERITY, Severity.CLEARED.label());
        LOG.info("{} on {} {}", clearing.label(), node, d);
        publisher.event(new GuardianEvent(clearing, node, epoch.getAsLong(), cause, clock.instant(), d));
    }

    boolean active(String alarmId) {
        return journal.active(alarmId);
    }

    void event(EventType type, Cause cause, Map<String, String> details) {
        if (type.clearedBy().isPresent() || type.clears()) {
            throw new IllegalArgumentException(type + " is an alarm or its clear: raise or clear it");
        }
        LOG.info("{} on {} {}", type.label(), node, details);
        publisher.event(new GuardianEvent(type, node, epoch.getAsLong(), cause, clock.instant(), details));
    }
}
