package org.gkguardian.api;

/** Whether this node's partition may hold the master role. */
public enum QuorumState {
    /** Not determined yet. */
    UNKNOWN,
    /** The partition holds quorum (majority reached, or witness reachable). */
    QUORATE,
    /** The partition does not hold quorum; it must not hold the master role. */
    LOST,
    /** Quorum policy {@code none}: every partition may elect a master; split brain is possible. */
    NOT_REQUIRED;

    public boolean allowsMaster() {
        return this == QUORATE || this == NOT_REQUIRED;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
