package org.gkguardian.api;

/** The role a node holds. Only {@link #MASTER} owns the VIP. */
public enum Role {
    /** Started, has not yet seen the cluster or decided. */
    INITIALIZING,
    /** Healthy and eligible; ready to take over. */
    BACKUP,
    /** Owns the VIP and serves terminals. */
    MASTER,
    /** Its own gatekeeper or links are unhealthy; it cannot serve and is never elected. */
    FAULT,
    /** Drained by an operator; never elected. */
    MAINTENANCE,
    /** The guardian is shutting down or has stopped. */
    STOPPED;

    /** The lower-case word used in logs, the console and the MIB's enumeration labels. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
