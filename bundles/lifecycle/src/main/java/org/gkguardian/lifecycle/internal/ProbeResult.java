package org.gkguardian.lifecycle.internal;

/**
 * One health check of the gatekeeper.
 *
 * @param healthy     the process runs and answered its protocol probe
 * @param processGone the supervised process is known to have exited (no point in probing it again)
 * @param detail      what was seen, for logs
 */
record ProbeResult(boolean healthy, boolean processGone, String detail) {

    static ProbeResult ok(String detail) {
        return new ProbeResult(true, false, detail);
    }

    static ProbeResult failed(String detail) {
        return new ProbeResult(false, false, detail);
    }

    static ProbeResult gone(String detail) {
        return new ProbeResult(false, true, detail);
    }
}
