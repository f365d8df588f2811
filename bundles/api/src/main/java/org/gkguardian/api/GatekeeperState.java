package org.gkguardian.api;

/** What the local gatekeeper is doing, as the lifecycle bundle sees it. */
public enum GatekeeperState {
    /** Not probed yet. */
    UNKNOWN,
    /** Not running, on purpose (cold standby on a backup). */
    STOPPED,
    /** Being started; not yet ready. */
    STARTING,
    /** Running and answering its probe. */
    RUNNING,
    /** Should run but does not answer, or could not be started. */
    FAILED,
    /** No gatekeeper is configured; the node only moves the VIP. */
    UNMANAGED;

    /** Whether a node with its gatekeeper in this state may be master. */
    public boolean healthy() {
        return this != FAILED;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
