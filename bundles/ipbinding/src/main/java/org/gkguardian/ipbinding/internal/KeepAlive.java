package org.gkguardian.ipbinding.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The guardian's side of the watchdog contract with its launcher (bin/gkg-node) and with systemd.
 *
 * <p>Launcher: when {@code GKG_WATCHDOG_FIFO} (or the system property {@code gkg.watchdog.fifo}) names a
 * FIFO, it is opened once for writing and kept open; every {@code GKG_WATCHDOG_INTERVAL_MS} (or
 * {@code gkg.watchdog.interval.ms}, default 250) one line {@code PID COUNTER} is written to it, the counter
 * growing by one each time: one {@code write} of a few bytes, no process, no disk. While the guardian is master
 * and its lease leaves the launcher less time than its own timeout, the line carries a third field, that limit in
 * milliseconds, and keep-alives come five times within it. While no VIP is bound here and the guardian asks for no
 * limit (a backup), and the launcher offers an idle timeout ({@code GKG_WATCHDOG_IDLE_MS}, or
 * {@code gkg.watchdog.idle.ms}), the third field is the word {@code idle}: the launcher then waits that long, and
 * keep-alives come five times within it. A line that would only repeat the limit of the line
 * before it (or its absence) is an empty line: the first line on a newly opened FIFO is always whole. A launcher that gets no
 * line for longer than its timeout kills the JVM with SIGKILL; the end of the FIFO (this JVM's writer
 * closed, at exit or death) tells it at once that the JVM is gone. Either way it releases the VIPs.
 *
 * <p>systemd: when {@code NOTIFY_SOCKET} and {@code WATCHDOG_USEC} are set, {@code systemd-notify
 * WATCHDOG=1} is run every quarter of WATCHDOG_USEC. The JDK cannot send the datagram to the notify
 * socket itself (its Unix-domain channels are stream-only), hence a helper process per keep-alive and the
 * unit's NotifyAccess=all; that path forks, the launcher's does not.
 */
public final class KeepAlive implements Closeable {
    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

    /** The word a keep-alive carries instead of a limit to ask for the launcher's idle timeout. */
    static final String IDLE = "idle";

    /**
     * @param fifo     the launcher's keep-alive FIFO, if any
     * @param interval how often a keep-alive is written to it
     * @param idle     the launcher's watchdog timeout for a node that holds no VIP and asks for it, if it offers one
     * @param systemdInterval how often systemd is notified, if it asked for keep-alives
     */
    public record Plan(Optional<Path> fifo, Duration interval, Optional<Duration> idle,
            Optional<Duration> systemdInterval) {
        public boolean any() {
            return fifo.isPresent() || systemdInterval.isPresent();
        }
    }

    private final Path fifo;
    private final String pid;
    private long counter;
    private FileChannel channel;
    /** The third field (or its absence) of the last line written to the open FIFO; null before the first. */
    private Optional<String> lastAsk;
    private static final ByteBuffer SAME = ByteBuffer.wrap(new byte[] {'\n'}).asReadOnlyBuffer();

    KeepAlive(Path fifo, long pid) {
        this.fifo = fifo;
        this.pid = Long.toString(pid);
    }

    /** Reads the contract from system properties and the environment; a bad value is an error. */
    static Plan plan(Function<String, String> properties, Map<String, String> environment) {
        String fifo = firstNonBlank(properties.apply("gkg.watchdog.fifo"), environment.get("GKG_WATCHDOG_FIFO"));
        Duration every = milliseconds(properties, environment, "gkg.watchdog.interval.ms", "GKG_WATCHDOG_INTERVAL_MS",
                60_000).orElse(DEFAULT_INTERVAL);
        Optional<Duration> idle = milliseconds(properties, environment, "gkg.watchdog.idle.ms", "GKG_WATCHDOG_IDLE_MS",
                600_000);
        Optional<Duration> systemd = Optional.empty();
        String usec = environment.get("WATCHDOG_USEC");
        if (environment.get("NOTIFY_SOCKET") != null && usec != null && !usec.isBlank()) {
            long micros = parseNumber("WATCHDOG_USEC", usec);
            systemd = Optional.of(Duration.ofNanos(Math.max(micros, 40_000) * 1000 / 4));
        }
        return new Plan(Optional.ofNullable(fifo).map(Path::of), every, idle, systemd);
    }

    /** 10 to {@code max} ms from the system property, else the environment variable, if either is set. */
    private static Optional<Duration> milliseconds(Function<String, String> properties, Map<String, String> environment,
            String property, String variable, long max) {
        String value = firstNonBlank(properties.apply(property), environment.get(variable));
        if (value == null) {
            return Optional.empty();
        }
        String name = property + " / " + variable;
        long millis = parseNumber(name, value);
        if (millis < 10 || millis > max) {
            throw new IllegalArgumentException(name + " = '" + value + "' refused: must be 10 to " + max);
        }
        return Optional.of(Duration.ofMillis(millis));
    }

    private static long parseNumber(String name, String value) {
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

    /**
     * Writes the next keep-alive, opening the FIFO first if it is not open (that waits until the launcher
     * reads it: call it from a thread of its own). A line is shorter than PIPE_BUF, so it is written whole.
     * After a failure the FIFO is closed, and the next beat opens it again.
     */
    void beat() throws IOException {
        beat(Optional.empty());
    }

    /**
     * As {@link #beat()}; with a limit, the line is {@code PID COUNTER LIMIT_MS}: the launcher then kills the JVM
     * when no line came for that long (if it is below its own timeout), until a line without a limit comes.
     */
    void beat(Optional<Duration> limit) throws IOException {
        write(limit.map(l -> Long.toString(Math.max(1, l.toMillis()))));
    }

    /**
     * As {@link #beat()}, asking for the launcher's idle timeout: the line is {@code PID COUNTER idle}. Only while no
     * VIP is bound here: the launcher then kills this JVM only after that longer silence.
     */
    void beatIdle() throws IOException {
        write(Optional.of(IDLE));
    }

    private void write(Optional<String> ask) throws IOException {
        if (channel == null) {
            channel = open(fifo);
            lastAsk = null;
        }
        counter++;
        ByteBuffer line;
        if (ask.equals(lastAsk)) {
            // The launcher (a bash read) takes a FIFO one byte at a time, four system calls a byte: a line that only
            // repeats what it has is one byte instead of fifteen.
            line = SAME.duplicate();
        } else {
            String text = ask.map(a -> pid + ' ' + counter + ' ' + a + '\n').orElseGet(() -> pid + ' ' + counter + '\n');
            line = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        lastAsk = ask;
    }

    private static FileChannel open(Path fifo) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        // A FIFO is "other" (neither file, directory nor link): never create or overwrite a plain file here.
        if (!attributes.isOther()) {
            throw new IOException(fifo + " is not a FIFO (the launcher makes it with mkfifo)");
        }
        return FileChannel.open(fifo, StandardOpenOption.WRITE);
    }

    long counter() {
        return counter;
    }

    /** Closes the FIFO: the launcher sees its end, as when the JVM exits. */
    @Override
    public void close() {
        FileChannel open = channel;
        channel = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // Nothing to keep: the launcher sees the end of the FIFO either way.
            }
        }
    }

    static List<String> systemdNotify() {
        return List.of("systemd-notify", "WATCHDOG=1");
    }
}
