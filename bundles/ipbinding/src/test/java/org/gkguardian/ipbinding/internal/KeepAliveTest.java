package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
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
                Map.of("GKG_WATCHDOG_FILE", "/run/gkg/alive", "GKG_WATCHDOG_INTERVAL_MS", "100"));
        assertEquals(Optional.of(Path.of("/run/gkg/alive")), plan.file());
        assertEquals(Duration.ofMillis(100), plan.interval());
        plan = KeepAlive.plan(k -> k.equals("gkg.watchdog.file") ? "/tmp/a" : null, Map.of());
        assertEquals(KeepAlive.DEFAULT_INTERVAL, plan.interval());
        assertThrows(IllegalArgumentException.class, () -> KeepAlive.plan(k -> null,
                Map.of("GKG_WATCHDOG_FILE", "/tmp/a", "GKG_WATCHDOG_INTERVAL_MS", "soon")));
    }

    @Test
    void systemdKeepAlivesAtAQuarterOfWatchdogUsec() {
        KeepAlive.Plan plan = KeepAlive.plan(k -> null, Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
                "WATCHDOG_USEC", "3000000"));
        assertEquals(Optional.of(Duration.ofMillis(750)), plan.systemdInterval());
    }

    @Test
    void eachBeatReplacesTheFileWithPidAndAGrowingCounter() throws Exception {
        Path file = dir.resolve("alive");
        KeepAlive keepAlive = new KeepAlive(file, 4242);
        keepAlive.beat();
        assertEquals("4242 1\n", Files.readString(file));
        keepAlive.beat();
        assertEquals("4242 2\n", Files.readString(file));
    }
}
