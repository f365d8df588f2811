package org.gkguardian.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An active alarm, so that an NMS that missed a notification can resync.
 *
 * @param id            stable identifier, e.g. {@code quorum-lost} or {@code member-down:node2}
 * @param severity      X.733 perceived severity
 * @param probableCause the event type that raised it
 * @param raised        when it was raised
 * @param text          a sentence for the operator
 */
public record Alarm(String id, Severity severity, EventType probableCause, Instant raised, String text) {
    public Alarm {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(probableCause, "probableCause");
        Objects.requireNonNull(raised, "raised");
        text = text == null ? "" : text;
    }
}
