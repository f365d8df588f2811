package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepAliveTest {
    @TempDir
    Path dir;

    @Test
    void noWatchdogMeansNoKeepAlive() {
        assertFalse(KeepAlive.plan(k -> null, Map.of()).any());
    }

    @Test
    void launcherContractFromEnvironmentOrSystemProperties() {
        KeepAlive.Plan plan = KeepAlive.plan(k -> null,
                Map.of("GKG_WATCHDOG_FIFO", "/run/gkg/keepalive", "GKG_WATCHDOG_INTERVAL_MS", "100"));
        assertEquals(Optional.of(Path.of("/run/gkg/keepalive")), plan.fifo());
        assertEquals(Duration.ofMillis(100), plan.interval());
        assertEquals(Optional.empty(), plan.idle(), "no idle timeout unless the launcher offers one");
        plan = KeepAlive.plan(k -> k.equals("gkg.watchdog.fifo") ? "/tmp/a" : null, Map.of());
        assertEquals(KeepAlive.DEFAULT_INTERVAL, plan.interval());
        plan = KeepAlive.plan(k -> null, Map.of("GKG_WATCHDOG_FIFO", "/tmp/a", "GKG_WATCHDOG_IDLE_MS", "5000"));
        assertEquals(Optional.of(Duration.ofMillis(5000)), plan.idle());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> KeepAlive.plan(k -> null,
                Map.of("GKG_WATCHDOG_FIFO", "/tmp/a", "GKG_WATCHDOG_IDLE_MS", "5")));
        assertTrue(refused.getMessage().contains("GKG_WATCHDOG_IDLE_MS = '5' refused"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeepAlive.plan(k -> null,
                Map.of("GKG_WATCHDOG_FIFO", "/tmp/a", "GKG_WATCHDOG_INTERVAL_MS", "soon")));
    }

    @Test
    void systemdKeepAlivesAtAQuarterOfWatchdogUsec() {
        KeepAlive.Plan plan = KeepAlive.plan(k -> null, Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
                "WATCHDOG_USEC", "3000000"));
        assertEquals(Optional.of(Duration.ofMillis(750)), plan.systemdInterval());
    }

    @Test
    void eachBeatIsOneLineOnTheOpenFifoTheFirstWithPidAndCounterThenEmptyWhileNothingChanges() throws Exception {
        Path fifo = mkfifo();
        // The launcher's side: a reader (opened read-write, so that opening does not wait for a writer).
        try (FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                KeepAlive keepAlive = new KeepAlive(fifo, 4242)) {
            keepAlive.beat();
            keepAlive.beat();
            keepAlive.beat();
            assertEquals("4242 1\n\n\n", read(reader, 9));
            assertEquals(3, keepAlive.counter());
        }
    }

    @Test
    void aMastersBeatCarriesTheWatchdogLimitItNeedsWhenItChanges() throws Exception {
        Path fifo = mkfifo();
        try (FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                KeepAlive keepAlive = new KeepAlive(fifo, 4242)) {
            keepAlive.beat(Optional.of(Duration.ofMillis(100)));
            keepAlive.beat(Optional.of(Duration.ofMillis(100)));
            keepAlive.beat(Optional.of(Duration.ofMillis(225)));
            keepAlive.beat(Optional.empty());
            keepAlive.beat(Optional.empty());
            assertEquals("4242 1 100\n\n4242 3 225\n4242 4\n\n", read(reader, 31));
        }
    }

    @Test
    void aNodeWithoutAVipAsksForTheIdleTimeoutOnceThenEmptyLinesUntilItAsksForSomethingElse() throws Exception {
        Path fifo = mkfifo();
        try (FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                KeepAlive keepAlive = new KeepAlive(fifo, 4242)) {
            keepAlive.beatIdle();
            keepAlive.beatIdle();
            keepAlive.beat(Optional.of(Duration.ofMillis(100)));
            keepAlive.beatIdle();
            keepAlive.beat(Optional.empty());
            assertEquals("4242 1 idle\n\n4242 3 100\n4242 4 idle\n4242 5\n", read(reader, 43));
        }
    }

    @Test
    void aPlainFileIsNeitherWrittenNorReplaced() throws Exception {
        Path file = dir.resolve("keepalive");
        Files.writeString(file, "not a fifo");
        try (KeepAlive keepAlive = new KeepAlive(file, 4242)) {
            IOException refused = assertThrows(IOException.class, keepAlive::beat);
            assertTrue(refused.getMessage().contains("is not a FIFO"), refused.getMessage());
        }
        assertEquals("not a fifo", Files.readString(file));
        try (KeepAlive keepAlive = new KeepAlive(dir.resolve("absent"), 4242)) {
            assertThrows(IOException.class, keepAlive::beat);
        }
        assertFalse(Files.exists(dir.resolve("absent")));
    }

    @Test
    void afterTheReaderWentAwayTheNextBeatOpensTheFifoAgain() throws Exception {
        Path fifo = mkfifo();
        try (KeepAlive keepAlive = new KeepAlive(fifo, 7)) {
            try (FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                keepAlive.beat();
                assertEquals("7 1\n", read(reader, 4));
            }
            // No reader left: the write fails (EPIPE), the FIFO is closed.
            assertThrows(IOException.class, keepAlive::beat);
            try (FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                keepAlive.beat();
                assertEquals("7 3\n", read(reader, 4), "whole again: a new reader may not know this JVM");
            }
        }
    }

    private Path mkfifo() throws Exception {
        Path fifo = dir.resolve("keepalive");
        Process process = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, process.waitFor());
        return fifo;
    }

    private static String read(FileChannel reader, int bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        while (buffer.hasRemaining()) {
            if (reader.read(buffer) < 0) {
                break;
            }
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }
}
