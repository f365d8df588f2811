package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gkguardian.api.Guardian;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogKeepAliveTest {

    @TempDir
    Path dir;
    private WatchdogKeepAlive watchdog;

    @AfterEach
    void stop() {
        if (watchdog != null) {
            watchdog.deactivate();
        }
        System.clearProperty("gkg.watchdog.fifo");
        System.clearProperty("gkg.watchdog.interval.ms");
        System.clearProperty("gkg.watchdog.idle.ms");
    }

    @Test
    void keepAlivesComeFiveTimesWithinAMastersLimitAndAtTheLaunchersIntervalOtherwise() {
        Duration interval = Duration.ofMillis(100);
        assertEquals(100, WatchdogKeepAlive.nextBeatMillis(interval, Optional.empty()));
        assertEquals(20, WatchdogKeepAlive.nextBeatMillis(interval, Optional.of(Duration.ofMillis(100))));
        assertEquals(100, WatchdogKeepAlive.nextBeatMillis(interval, Optional.of(Duration.ofMillis(1450))));
        assertEquals(4, WatchdogKeepAlive.nextBeatMillis(interval, Optional.of(Duration.ofMillis(10))));
    }

    @Test
    void withoutAVipKeepAlivesComeFiveTimesWithinTheIdleTimeoutNeverMoreOftenThanTheInterval() {
        assertEquals(1000, WatchdogKeepAlive.idleBeatMillis(Duration.ofMillis(200), Duration.ofMillis(5000)));
        assertEquals(200, WatchdogKeepAlive.idleBeatMillis(Duration.ofMillis(200), Duration.ofMillis(700)));
    }

    /**
     * A node that says it holds no VIP asks for the launcher's idle timeout, in one whole line, then empty ones. Before
     * a bind it is a candidate: the keep-alive then carries the candidate's limit again, at once.
     */
    @Test
    void withoutAVipTheKeepAlivesAskForTheIdleTimeoutUntilTheNodeIsAboutToBind() throws Exception {
        Path fifo = mkfifo();
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                BufferedReader reader = launcherSide(channel)) {
            System.setProperty("gkg.watchdog.fifo", fifo.toString());
            System.setProperty("gkg.watchdog.interval.ms", "50");
            System.setProperty("gkg.watchdog.idle.ms", "1000");
            AtomicBoolean candidate = new AtomicBoolean();
            watchdog = new WatchdogKeepAlive();
            watchdog.setGuardian(candidateWhile(candidate));
            String first = readLine(reader);
            assertTrue(first.matches("\\d+ 1"), "nobody said yet that no VIP is bound: " + first);
            watchdog.vipsMayBeBound(false);
            String line = nextWholeLine(reader);
            assertTrue(line.matches("\\d+ \\d+ idle"), line);
            assertEquals("", readLine(reader), "then empty lines, while it stays so");
            candidate.set(true);
            watchdog.vipsMayBeBound(true);
            watchdog.beatNow();
            line = nextWholeLine(reader);
            assertTrue(line.matches("\\d+ \\d+ 100"), "the keep-alive before the bind carries the limit: " + line);
        }
    }

    private Path mkfifo() throws Exception {
        Path fifo = dir.resolve("keepalive");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        return fifo;
    }

    /** The launcher's side of the FIFO, opened read-write (the channel) so that neither side waits for the other. */
    private static BufferedReader launcherSide(FileChannel channel) {
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.US_ASCII));
    }

    /** A guardian that asks for a candidate's 100 ms limit while {@code candidate} is set, and for none otherwise. */
    private static Guardian candidateWhile(AtomicBoolean candidate) {
        return (Guardian) Proxy.newProxyInstance(Guardian.class.getClassLoader(), new Class<?>[] {Guardian.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "watchdogLimit" -> candidate.get() ? Optional.of(Duration.ofMillis(100)) : Optional.empty();
                    case "progressing" -> true;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String nextWholeLine(BufferedReader reader) throws Exception {
        for (int i = 0; i < 50; i++) {
            String line = readLine(reader);
            if (!line.isEmpty()) {
                return line;
            }
        }
        throw new AssertionError("50 empty lines and no whole one");
    }

    @Test
    void keepAlivesFollowTheGuardiansRoleThread() {
        AtomicBoolean progressing = new AtomicBoolean(true);
        Guardian guardian = (Guardian) Proxy.newProxyInstance(Guardian.class.getClassLoader(),
                new Class<?>[] {Guardian.class}, (proxy, method, args) -> {
                    if (method.getName().equals("progressing")) {
                        return progressing.get();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        WatchdogKeepAlive watchdog = new WatchdogKeepAlive();
        try {
            assertTrue(watchdog.guardianProgressing(), "no guardian yet: nothing to hold back");
            watchdog.setGuardian(guardian);
            assertTrue(watchdog.guardianProgressing());
            progressing.set(false);
            assertFalse(watchdog.guardianProgressing(), "a stuck role thread withholds the keep-alives");
            progressing.set(true);
            assertTrue(watchdog.guardianProgressing());
            watchdog.unsetGuardian(guardian);
            progressing.set(false);
            assertTrue(watchdog.guardianProgressing());
        } finally {
            watchdog.deactivate();
        }
    }

    /**
     * A backup writes at the launcher's interval (here a minute). The keep-alive before a bind carries the tighter
     * limit, and the launcher applies it at once: the keep-alives after it must come within that limit, not a backup's
     * interval later, or the launcher kills the new master.
     */
    @Test
    void afterTheKeepAliveBeforeABindTheNextOnesComeWithinTheLimitItCarried() throws Exception {
        Path fifo = mkfifo();
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                BufferedReader reader = launcherSide(channel)) {
            System.setProperty("gkg.watchdog.fifo", fifo.toString());
            System.setProperty("gkg.watchdog.interval.ms", "60000");
            AtomicBoolean candidate = new AtomicBoolean();
            watchdog = new WatchdogKeepAlive();
            watchdog.setGuardian(candidateWhile(candidate));
            String first = readLine(reader);
            assertTrue(first.matches("\\d+ 1"), first);
            candidate.set(true);
            watchdog.beatNow();
            assertTrue(readLine(reader).matches("\\d+ 2 100"), "the keep-alive before the bind carries the limit");
            // Without the re-arm the next line would come a minute later: the read below would time out.
            assertEquals("", readLine(reader), "the next keep-alive, within the limit");
            assertEquals("", readLine(reader));
        }
    }

    private static String readLine(BufferedReader reader) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }
}
