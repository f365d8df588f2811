package org.gkguardian.guardian.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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

    /** Raises an alarm; only the first raise while it is active is logged and published. Returns whether it was. */
    boolean raise(EventType type, Cause cause, Map<String, String> details, String alarmId, Severity severity,
            String text) {
        Instant at = clock.instant();
        if (journal.raise(new Alarm(alarmId, severity, type, at, text))) {
            LOG.warn("{} on {}: {}", type.label(), node, text);
            Map<String, String> d = new HashMap<>(details);
            d.putIfAbsent(GuardianEvent.TEXT, text);
            publisher.event(new GuardianEvent(type, node, epoch.getAsLong(), cause, at, d));
            return true;
        }
        return false;
    }

    void clear(String alarmId) {
        journal.clear(alarmId);
    }

    boolean active(String alarmId) {
        return journal.active(alarmId);
    }

    void event(EventType type, Cause cause, Map<String, String> details) {
        LOG.info("{} on {} {}", type.label(), node, details);
        publisher.event(new GuardianEvent(type, node, epoch.getAsLong(), cause, clock.instant(), details));
    }
}
