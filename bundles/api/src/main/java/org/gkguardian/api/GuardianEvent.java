package org.gkguardian.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something an NMS must hear about. Every event carries node, epoch and cause.
 *
 * @param type    what happened
 * @param node    the node reporting it
 * @param epoch   the epoch when it happened
 * @param cause   why
 * @param at      when
 * @param details event-specific values, e.g. {@code oldMaster}, {@code newMaster}, {@code member}, {@code alarmId}
 */
public record GuardianEvent(EventType type, String node, long epoch, Cause cause, Instant at,
        Map<String, String> details) {

    public static final String OLD_MASTER = "oldMaster";
    public static final String NEW_MASTER = "newMaster";
    public static final String MEMBER = "member";
    public static final String TEXT = "text";
    /** The identifier of the alarm an alarm event raises or clears, as in {@link Alarm#id()}. */
    public static final String ALARM_ID = "alarmId";
    /** The alarm's {@link Severity} label; {@code cleared} in an event that clears it. */
    public static final String SEVERITY = "severity";

    public GuardianEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(at, "at");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public String detail(String key) {
        return details.getOrDefault(key, "");
    }
}
