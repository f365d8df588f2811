package org.gkguardian.api;

/**
 * The events the guardian publishes; each becomes an SNMP notification whose last sub-identifier is the position
 * from 1, so new values only ever go at the end. An alarm type is raised with an alarm identifier, and the type
 * {@link #clearedBy()} names is published with the same identifier when the alarm clears.
 */
public enum EventType {
    MASTER_CHANGED,
    MEMBER_DOWN,
    MEMBER_UP,
    GATEKEEPER_FAULT,
    GATEKEEPER_RECOVERED,
    QUORUM_LOST,
    QUORUM_REGAINED,
    SPLIT_BRAIN_DETECTED,
    SPLIT_BRAIN_HEALED,
    CONFIG_MISMATCH,
    VIP_CONFLICT,
    SWITCHOVER_FAILED,
    CONFIG_MISMATCH_CLEARED,
    VIP_CONFLICT_CLEARED,
    SWITCHOVER_FAILED_CLEARED;

    /** The event that clears an alarm of this type, or empty for an event that raises no alarm. */
    public java.util.Optional<EventType> clearedBy() {
        return java.util.Optional.ofNullable(switch (this) {
            case MEMBER_DOWN -> MEMBER_UP;
            case GATEKEEPER_FAULT -> GATEKEEPER_RECOVERED;
            case QUORUM_LOST -> QUORUM_REGAINED;
            case SPLIT_BRAIN_DETECTED -> SPLIT_BRAIN_HEALED;
            case CONFIG_MISMATCH -> CONFIG_MISMATCH_CLEARED;
            case VIP_CONFLICT -> VIP_CONFLICT_CLEARED;
            case SWITCHOVER_FAILED -> SWITCHOVER_FAILED_CLEARED;
            default -> null;
        });
    }

    /** True for an event that clears an alarm. */
    public boolean clears() {
        return java.util.Arrays.stream(values()).anyMatch(t -> t.clearedBy().orElse(null) == this);
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
