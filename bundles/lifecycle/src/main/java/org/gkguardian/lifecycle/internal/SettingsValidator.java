package org.gkguardian.lifecycle.internal;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.gkguardian.config.IpLiteral;
import org.gkguardian.config.RawValues;
import org.gkguardian.lifecycle.internal.Settings.DriverType;
import org.gkguardian.lifecycle.internal.Settings.ProbeType;
import org.gkguardian.lifecycle.internal.Settings.Standby;

/**
 * Validates a lifecycle configuration as a whole. Every problem is reported as {@code key: reason};
 * a configuration with any problem is refused entirely.
 */
final class SettingsValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.@\\\\-]{1,200}");
    private static final Duration LONGEST_STEP = Duration.ofMinutes(10);
    static final long MIN_MIRROR_BYTES = 1024;
    /** Below the channel's 4 MiB message limit, with room for paths and digests. */
    static final long MAX_MIRROR_BYTES = 3L * 1024 * 1024;

    /** The outcome: settings when valid, otherwise the problems. */
    record Result(Optional<Settings> settings, List<String> problems) {
        boolean valid() {
            return settings.isPresent();
        }

        String summary() {
            return String.join("; ", problems);
        }
    }

    private final List<String> problems = new ArrayList<>();

    private SettingsValidator() {
    }

    static Result validate(LifecycleConfiguration c) {
        return validate(c, Map.of());
    }

    /**
     * @param properties the raw properties DS converted into {@code c}: a value that is not of its key's type (DS
     *        would silently turn it into the default) is refused
     */
    static Result validate(LifecycleConfiguration c, Map<String, ?> properties) {
        List<String> raw = RawValues.problems(LifecycleConfiguration.class, properties);
        if (!raw.isEmpty()) {
            // The typed view is not even read: SCR throws from a method whose text it cannot convert.
            return new Result(Optional.empty(), raw);
        }
        return new SettingsValidator().check(c);
    }

    private Result check(LifecycleConfiguration c) {
        DriverType driver = choice("driver", c.driver(), DriverType.class, DriverType.NONE);
        Standby standby = choice("standby", c.standby(), Standby.class, Standby.COLD);
        String nodeName = c.node_name() == null ? "" : c.node_name().trim();
        if (!nodeName.isEmpty() && !NAME.matcher(nodeName).matches()) {
            problem("node.name", "'" + nodeName + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        boolean managed = driver != null && driver != DriverType.NONE;
        List<String> start = command("start.command", c.start_command(), managed
                && (driver == DriverType.COMMAND || driver == DriverType.FOREGROUND));
        List<String> stop = command("stop.command", c.stop_command(), managed && driver == DriverType.COMMAND);
        List<String> reload = command("reload.command", c.reload_command(), false);
        String unit = c.systemd_unit() == null ? "" : c.systemd_unit().trim();
        Path systemctl = Path.of("/usr/bin/systemctl");
        if (driver == DriverType.SYSTEMD) {
            if (!UNIT.matcher(unit).matches()) {
                problem("systemd.unit", unit.isEmpty() ? "required by driver=systemd"
                        : "'" + unit + "' is not a unit name (letters, digits, ':', '_', '.', '@', '-')");
            }
            systemctl = executable("systemctl.path", c.systemctl_path());
        }
        Optional<Path> workingDirectory = Optional.empty();
        String wd = c.working_directory() == null ? "" : c.working_directory().trim();
        if (!wd.isEmpty()) {
            Path dir = Path.of(wd);
            if (!dir.isAbsolute() || !Files.isDirectory(dir)) {
                problem("working.directory", wd + " is not an absolute path to an existing directory");
            } else {
                workingDirectory = Optional.of(dir);
            }
        }
        String logPrefix = c.log_prefix() == null ? "" : c.log_prefix().trim();
        if (!NAME.matcher(logPrefix).matches()) {
            problem("log.prefix", "'" + logPrefix + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        Duration startTimeout = duration("start.timeout.ms", c.start_timeout_ms());
        Duration stopTimeout = duration("stop.timeout.ms", c.stop_timeout_ms());
        Duration reloadTimeout = duration("reload.timeout.ms", c.reload_timeout_ms());
        Duration readyTimeout = duration("ready.timeout.ms", c.ready_timeout_ms());
        Duration probeInterval = duration("probe.interval.ms", c.probe_interval_ms());
        Duration probeTimeout = duration("probe.timeout.ms", c.probe_timeout_ms());
        Duration digestInterval = duration("digest.interval.ms", c.digest_interval_ms());

        ProbeType probeType = choice("probe.type", c.probe_type(), ProbeType.class, ProbeType.NONE);
        Optional<InetSocketAddress> probeAddress = Optional.empty();
        List<String> probeCommand = List.of();
        if (managed && (probeType == ProbeType.SIP_OPTIONS || probeType == ProbeType.TCP)) {
            probeAddress = socketAddress("probe.address", c.probe_address());
        }
        if (managed && probeType == ProbeType.COMMAND) {
            probeCommand = command("probe.command", c.probe_command(), true);
        }
        if (managed && probeType == ProbeType.NONE && driver == DriverType.COMMAND) {
            problem("probe.type", "none cannot tell whether a gatekeeper started by commands runs; use sip-options, tcp or command");
        }
        atLeast("failure.threshold", c.failure_threshold(), 1);
        atLeast("recovery.threshold", c.recovery_threshold(), 1);
        if (c.restart_attempts() < 0 || c.restart_attempts() > 100) {
            problem("restart.attempts", c.restart_attempts() + " must be between 0 and 100");
        }
        Duration backoffInitial = duration("restart.backoff.initial.ms", c.restart_backoff_initial_ms());
        Duration backoffMax = duration("restart.backoff.max.ms", c.restart_backoff_max_ms());
        if (backoffInitial != null && backoffMax != null && backoffMax.compareTo(backoffInitial) < 0) {
            problem("restart.backoff.max.ms", "must not be shorter than restart.backoff.initial.ms");
        }

        List<Path> allowed = new ArrayList<>();
        for (String dir : values(c.mirror_allowed_dirs())) {
            Path p = Path.of(dir);
            if (!p.isAbsolute() || !p.normalize().equals(p) || p.getNameCount() == 0) {
                problem("mirror.allowed.dirs", dir + " must be an absolute, normalized directory other than /");
            } else {
                allowed.add(p);
            }
        }
        List<Path> mirrored = new ArrayList<>();
        for (String path : values(c.mirror_paths())) {
            Path p = Path.of(path);
            if (!p.isAbsolute() || !p.normalize().equals(p)) {
                problem("mirror.paths", path + " must be an absolute path without '.' or '..'");
            } else if (allowed.stream().noneMatch(p::startsWith)) {
                problem("mirror.paths", path + " is outside mirror.allowed.dirs " + allowed);
            } else {
                mirrored.add(p);
            }
        }

        if (c.mirror_max_bytes() < MIN_MIRROR_BYTES || c.mirror_max_bytes() > MAX_MIRROR_BYTES) {
            problem("mirror.max.bytes", c.mirror_max_bytes() + " must be between " + MIN_MIRROR_BYTES + " and "
                    + MAX_MIRROR_BYTES + " (the guardians' channel carries at most 4 MiB in one message)");
        }

        if (!problems.isEmpty()) {
            return new Result(Optional.empty(), List.copyOf(problems));
        }
        return new Result(Optional.of(new Settings(driver, standby, nodeName, start, stop, reload, unit, systemctl,
                workingDirectory, logPrefix, startTimeout, stopTimeout, reloadTimeout, readyTimeout, probeType,
                probeAddress, probeCommand, probeInterval, probeTimeout, c.failure_threshold(), c.recovery_threshold(),
                c.restart_attempts(), backoffInitial, backoffMax, c.mirror_enabled(), List.copyOf(mirrored),
                List.copyOf(allowed), c.mirror_overwrite_local(), c.mirror_max_bytes(), digestInterval)), List.of());
    }

    private void problem(String key, String reason) {
        problems.add(key + ": " + reason);
    }

    private <E extends Enum<E>> E choice(String key, String value, Class<E> type, E fallback) {
        String v = value == null ? "" : value.trim();
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            problem(key, "'" + v + "' is not one of " + allowed);
            return fallback;
        }
    }

    private List<String> command(String key, String[] configured, boolean required) {
        List<String> args;
        try {
            args = ArgumentLine.parse(configured);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return List.of();
        }
        if (args.isEmpty()) {
            if (required) {
                problem(key, "required by this driver");
            }
            return List.of();
        }
        for (String arg : args) {
            if (arg.indexOf('\0') >= 0 || arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
                problem(key, "an argument contains a NUL or line break");
                return List.of();
            }
        }
        return executable(key, args.get(0)) == null ? List.of() : args;
    }

    private Path executable(String key, String program) {
        Path p = Path.of(program == null ? "" : program.trim());
        if (!p.isAbsolute()) {
            problem(key, "'" + program + "' must be an absolute path to the executable");
            return null;
        }
        if (!Files.exists(p)) {
            problem(key, p + " does not exist");
            return null;
        }
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            problem(key, p + " is not an executable file");
            return null;
        }
        return p;
    }

    private Duration duration(String key, long millis) {
        Duration d = Duration.ofMillis(millis);
        if (millis <= 0 || d.compareTo(LONGEST_STEP) > 0) {
            problem(key, millis + " must be between 1 and " + LONGEST_STEP.toMillis());
        }
        return d;
    }

    private void atLeast(String key, int value, int min) {
        if (value < min || value > 1000) {
            problem(key, value + " must be between " + min + " and 1000");
        }
    }

    private Optional<InetSocketAddress> socketAddress(String key, String value) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            problem(key, "required by this probe.type");
            return Optional.empty();
        }
        try {
            // The shared parser: a literal only, so there is never a name lookup on the probe path.
            IpLiteral.Endpoint endpoint = IpLiteral.parseEndpoint(v);
            return Optional.of(new InetSocketAddress(endpoint.address(), endpoint.port()));
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return Optional.empty();
        }
    }

    private static List<String> values(String[] configured) {
        List<String> out = new ArrayList<>();
        if (configured == null) {
            return out;
        }
        for (String entry : configured) {
            if (entry == null) {
                continue;
            }
            // A .cfg file gives one string: a comma-separated list.
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }
}
