package org.gkguardian.lifecycle.internal;

import java.util.Map;

/**
 * Starts, stops, reloads and probes one gatekeeper. Every step is bounded by its configured timeout;
 * errors name the configuration key involved. Not thread-safe: the lifecycle component serializes calls.
 */
interface GatekeeperDriver {

    /** Start it with these extra environment variables; returns once it was launched (not yet ready). */
    void start(Map<String, String> environment) throws DriverException;

    /** Stop it; returns once it is gone. Stopping a stopped gatekeeper does nothing. */
    void stop() throws DriverException;

    /** Make it re-read its configuration (or restart it when no reload command is configured). */
    void reload(Map<String, String> environment) throws DriverException;

    /** Process alive, then the protocol probe. */
    ProbeResult probe();
}
