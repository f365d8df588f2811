package org.gkguardian.lifecycle.internal;

/** A protocol-level check that the gatekeeper serves; every implementation is bounded by its timeout. */
interface Probe {
    ProbeResult check();
}
