package org.gkguardian.lifecycle.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Typed configuration of PID {@code org.gkguardian.lifecycle}. Commands are argument arrays: either a
 * real array, or one string split on blanks where double quotes keep an argument with blanks together.
 * No shell ever sees them.
 */
@ObjectClassDefinition(name = "GK Guardian lifecycle", description = "How the guardian starts, stops and probes its gatekeeper")
public @interface LifecycleConfiguration {

    @AttributeDefinition(description = "none: no gatekeeper is managed; command: start/stop/reload commands; "
            + "systemd: a systemd unit; foreground: start.command is a process the guardian supervises itself",
            options = { @Option(value = "none", label = "none"), @Option(value = "command", label = "command"),
                    @Option(value = "systemd", label = "systemd"), @Option(value = "foreground", label = "foreground") })
    String driver() default "none";

    @AttributeDefinition(description = "cold: only the master's gatekeeper runs; warm: every gatekeeper runs, only the VIP moves",
            options = { @Option(value = "cold", label = "cold"), @Option(value = "warm", label = "warm") })
    String standby() default "cold";

    @AttributeDefinition(name = "node.name", description = "GKG_NODE for a gatekeeper started before any role (warm standby); empty: the host name", required = false)
    String node_name() default "";

    @AttributeDefinition(name = "start.command", description = "Argument array; absolute executable path first", required = false)
    String[] start_command() default {};

    @AttributeDefinition(name = "stop.command", description = "Argument array (command driver); foreground: empty means SIGTERM, then SIGKILL", required = false)
    String[] stop_command() default {};

    @AttributeDefinition(name = "reload.command", description = "Argument array; {pid} is replaced by the foreground process id; empty: restart", required = false)
    String[] reload_command() default {};

    @AttributeDefinition(name = "systemd.unit", description = "The unit the systemd driver starts and stops", required = false)
    String systemd_unit() default "";

    @AttributeDefinition(name = "systemctl.path")
    String systemctl_path() default "/usr/bin/systemctl";

    @AttributeDefinition(name = "working.directory", description = "Working directory of started commands; empty: the Karaf process's", required = false)
    String working_directory() default "";

    @AttributeDefinition(name = "log.prefix", description = "Prefix of the gatekeeper's output lines in the Karaf log (foreground)")
    String log_prefix() default "gatekeeper";

    @AttributeDefinition(name = "start.timeout.ms")
    long start_timeout_ms() default 10000;

    @AttributeDefinition(name = "stop.timeout.ms")
    long stop_timeout_ms() default 5000;

    @AttributeDefinition(name = "reload.timeout.ms")
    long reload_timeout_ms() default 5000;

    @AttributeDefinition(name = "ready.timeout.ms", description = "How long promotion waits for the gatekeeper to answer its probe")
    long ready_timeout_ms() default 10000;

    @AttributeDefinition(name = "probe.type", options = { @Option(value = "sip-options", label = "SIP OPTIONS over UDP"),
            @Option(value = "tcp", label = "TCP connect"), @Option(value = "command", label = "command, exit 0 is healthy"),
            @Option(value = "none", label = "none: the process being alive is enough") })
    String probe_type() default "sip-options";

    @AttributeDefinition(name = "probe.address", description = "IP literal and port, e.g. 127.0.0.1:5060 or [::1]:5060", required = false)
    String probe_address() default "";

    @AttributeDefinition(name = "probe.command", description = "Argument array for probe.type=command", required = false)
    String[] probe_command() default {};

    @AttributeDefinition(name = "probe.interval.ms")
    long probe_interval_ms() default 1000;

    @AttributeDefinition(name = "probe.timeout.ms")
    long probe_timeout_ms() default 1000;

    @AttributeDefinition(name = "failure.threshold", description = "Failed probes in a row before a restart (or fault)")
    int failure_threshold() default 3;

    @AttributeDefinition(name = "recovery.threshold", description = "Good probes in a row before a failed gatekeeper counts as recovered")
    int recovery_threshold() default 2;

    @AttributeDefinition(name = "restart.attempts", description = "Restarts before the gatekeeper is declared failed")
    int restart_attempts() default 2;

    @AttributeDefinition(name = "restart.backoff.initial.ms")
    long restart_backoff_initial_ms() default 500;

    @AttributeDefinition(name = "restart.backoff.max.ms")
    long restart_backoff_max_ms() default 8000;

    @AttributeDefinition(name = "mirror.enabled", description = "Accept the master's configuration files; off: digests are still published")
    boolean mirror_enabled() default false;

    @AttributeDefinition(name = "mirror.paths", description = "Files or directories to mirror, absolute", required = false)
    String[] mirror_paths() default {};

    @AttributeDefinition(name = "mirror.allowed.dirs", description = "Base directories mirror.paths must lie in", required = false)
    String[] mirror_allowed_dirs() default {};

    @AttributeDefinition(name = "mirror.overwrite.local", description = "A snapshot from the master replaces files edited locally on this node since the last snapshot; off: it is refused and the local-edit alarm stays")
    boolean mirror_overwrite_local() default true;

    @AttributeDefinition(name = "mirror.max.bytes", description = "The most bytes of file content one snapshot may hold, sent or accepted (1024 to 3145728)")
    long mirror_max_bytes() default 1048576;

    @AttributeDefinition(name = "digest.interval.ms", description = "How often the mirrored files are checked for a change (their sizes, times and identities; they are read again only when these changed)")
    long digest_interval_ms() default 250;
}
