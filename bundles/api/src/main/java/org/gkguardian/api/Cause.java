package org.gkguardian.api;

/** Why a role changed or an event was raised; carried in logs, history, the MIB and notifications. */
public enum Cause {
    /** The guardian started or restarted. */
    STARTUP,
    /** A normal election, e.g. the first one of a cluster. */
    ELECTION,
    /** The master failed (crash, hang, link or power loss, gatekeeper fault). */
    FAILURE,
    /** An operator asked for a planned switchover. */
    SWITCHOVER,
    /** A better member took over from a healthy master (preemption on). */
    PREEMPTION,
    /** An operator put the node into or out of maintenance. */
    MAINTENANCE,
    /** The local gatekeeper or links became unhealthy or recovered. */
    HEALTH,
    /** This partition lost or regained quorum. */
    QUORUM,
    /** The master's lease ran out (it stopped hearing a quorum, or its JVM was paused). */
    LEASE_EXPIRED,
    /** Another host answers for the VIP. */
    VIP_CONFLICT,
    /** Members with the master role met after a partition healed; all but one stand down. */
    SPLIT_BRAIN,
    /** The configuration changed or was refused. */
    CONFIGURATION,
    /** The guardian is shutting down. */
    SHUTDOWN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
