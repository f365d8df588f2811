package org.gkguardian.api;

/** The events the guardian publishes; each becomes an SNMP notification. */
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
    SWITCHOVER_FAILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
