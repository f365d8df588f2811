package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The guardian's side of the watchdog contract with its launcher (bin/gkg-node) and with systemd.
 *
 * <p>Launcher: when {@code GKG_WATCHDOG_FILE} (or the system property {@code gkg.watchdog.file}) names
 * a file, every {@code GKG_WATCHDOG_INTERVAL_MS} (or {@code gkg.watchdog.interval.ms}, default 250)
 * the file is replaced atomically by one line {@code PID COUNTER}, the counter growing by one each
 * time. A launcher that sees the counter stand still for longer than its timeout kills the JVM with
 * SIGKILL and releases the VIPs.
 *
 * <p>systemd: when {@code NOTIFY_SOCKET} and {@code WATCHDOG_USEC} are set, {@code systemd-notify
 * WATCHDOG=1} is run every quarter of WATCHDOG_USEC. The JDK cannot send the datagram to the notify
 * socket itself (its Unix-domain channels are stream-only), hence the helper process and the unit's
 * NotifyAccess=all.
 */
public final class KeepAlive {
    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

    /**
     * @param file     the launcher's keep-alive file, if any
     * @param interval how often it is written
     * @param systemdInterval how often systemd is notified, if it asked for keep-alives
     */
    public record Plan(Optional<Path> file, Duration interval, Optional<Duration> systemdInterval) {
        public boolean any() {
            return file.isPresent() || systemdInterval.isPresent();
        }
    }

    private final Path file;
    private final long pid;
    private long counter;

    KeepAlive(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** Reads the contract from system properties and the environment; a bad value is an error. */
    static Plan plan(Function<String, String> properties, Map<String, String> environment) {
        String file = firstNonBlank(properties.apply("gkg.watchdog.file"), environment.get("GKG_WATCHDOG_FILE"));
        String interval = firstNonBlank(properties.apply("gkg.watchdog.interval.ms"),
                environment.get("GKG_WATCHDOG_INTERVAL_MS"));
        Duration every = DEFAULT_INTERVAL;
        if (interval != null) {
            long millis = parseMillis("gkg.watchdog.interval.ms / GKG_WATCHDOG_INTERVAL_MS", interval);
            if (millis < 10 || millis > 60_000) {
                throw new IllegalArgumentException("gkg.watchdog.interval.ms / GKG_WATCHDOG_INTERVAL_MS = '"
                        + interval + "' refused: must be 10 to 60000");
            }
            every = Duration.ofMillis(millis);
        }
        Optional<Duration> systemd = Optional.empty();
        String usec = environment.get("WATCHDOG_USEC");
        if (environment.get("NOTIFY_SOCKET") != null && usec != null && !usec.isBlank()) {
            long micros = parseMillis("WATCHDOG_USEC", usec);
            systemd = Optional.of(Duration.ofNanos(Math.max(micros, 40_000) * 1000 / 4));
        }
        return new Plan(Optional.ofNullable(file).map(Path::of), every, systemd);
    }

    private static long parseMillis(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " = '" + value + "' refused: not a number");
        }
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }

    /** Writes the next keep-alive; the rename makes a reader never see half a line. */
    void beat() throws IOException {
        counter++;
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, pid + " " + counter + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    long counter() {
        return counter;
    }

    static List<String> systemdNotify() {
        return List.of("systemd-notify", "WATCHDOG=1");
    }
}
