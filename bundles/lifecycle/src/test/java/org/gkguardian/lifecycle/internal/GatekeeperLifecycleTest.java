package org.gkguardian.lifecycle.internal;

import static org.awaitility.Awaitility.await;
import static org.gkguardian.lifecycle.internal.TestConfig.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.gkguardian.api.ConfigMirror.MirrorException;
import org.gkguardian.api.ConfigSnapshot;
import org.gkguardian.api.GatekeeperControl.GatekeeperException;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The component with scripts standing in for the gatekeeper; Kamailio itself is in KamailioLifecycleTest. */
class GatekeeperLifecycleTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final GatekeeperLifecycle lifecycle = new GatekeeperLifecycle();
    private final AtomicInteger healthChanges = new AtomicInteger();

    @AfterEach
    void deactivate() {
        lifecycle.deactivate();
    }

    private void activate(TestConfig config) {
        lifecycle.setHealthListener(healthChanges::incrementAndGet);
        lifecycle.activate(config.build(), Map.of());
    }

    private static RoleContext master(long epoch) throws Exception {
        return new RoleContext("node1", Role.MASTER, epoch,
                List.of(new VipAddress(InetAddress.getByName("203.0.113.10"), 24, "eth1")));
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static boolean alive(Path pidFile) throws Exception {
        if (!Files.exists(pidFile)) {
            return false;
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void withoutGatekeeperTheNodeIsUnmanagedAndRoleChangesDoNothing() throws Exception {
        activate(config());
        lifecycle.prepareMaster(master(1));
        lifecycle.standDown(master(1));
        assertEquals(GatekeeperState.UNMANAGED, lifecycle.state());
        assertEquals("", lifecycle.configDigest());
        assertEquals("", lifecycle.problem());
    }

    @Test
    void aStartCommandThatDoesNotExistKeepsTheNodeOutOfTheElection() throws Exception {
        activate(config().with("driver", "foreground").with("start.command", "/usr/sbin/no-such-gatekeeper -DD")
                .with("probe.address", "127.0.0.1:15098"));
        assertEquals(GatekeeperState.FAILED, lifecycle.state());
        assertFalse(lifecycle.state().healthy());
        assertEquals("configuration refused: start.command: /usr/sbin/no-such-gatekeeper does not exist", lifecycle.problem());
        GatekeeperException e = assertThrows(GatekeeperException.class, () -> lifecycle.prepareMaster(master(1)));
        assertTrue(e.getMessage().contains("start.command: /usr/sbin/no-such-gatekeeper does not exist"), e.getMessage());
        assertEquals(1, healthChanges.get());
    }

    @Test
    void aTypoAtActivationKeepsTheNodeOutOfTheElectionNamingKeyAndValue() throws Exception {
        lifecycle.setHealthListener(healthChanges::incrementAndGet);
        lifecycle.activate(TestConfig.asScrHandsIt(config().build(), "probe_interval_ms"),
                Map.of("probe.interval.ms", "1O0"));
        assertEquals(GatekeeperState.FAILED, lifecycle.state());
        assertEquals("configuration refused: probe.interval.ms: '1O0' is not a whole number", lifecycle.problem());
        assertThrows(GatekeeperException.class, () -> lifecycle.prepareMaster(master(1)));
    }

    @Test
    void aTypoInAnUpdateKeepsTheLastGoodConfiguration() throws Exception {
        activate(config());
        lifecycle.configure(config().with("driver", "foreground").with("start.command", "/bin/true")
                .with("probe.address", "127.0.0.1:15099").build(), Map.of("mirror.enabled", "ture"));
        assertEquals(GatekeeperState.UNMANAGED, lifecycle.state());
        assertEquals("configuration refused: mirror.enabled: 'ture' is not true or false", lifecycle.problem());
        lifecycle.prepareMaster(master(2));
    }

    @Test
    void aRefusedUpdateKeepsTheLastGoodConfiguration() throws Exception {
        activate(config());
        lifecycle.configure(config().with("driver", "foreground").with("start.command", "/nonexistent").build(), Map.of());
        assertEquals(GatekeeperState.UNMANAGED, lifecycle.state());
        assertTrue(lifecycle.problem().contains("start.command: /nonexistent does not exist"), lifecycle.problem());
        lifecycle.prepareMaster(master(2));
    }

    @Test
    void coldStandbyStartsTheGatekeeperWithItsRoleInTheEnvironmentAndStopsItOnStandDown() throws Exception {
        Path env = dir.resolve("env");
        Path pid = dir.resolve("pid");
        Path gk = script("gk", "env | grep ^GKG_ | sort > " + env + "\necho $$ > " + pid + "\necho started\nexec /bin/sleep 60");
        activate(config().with("driver", "foreground").with("standby", "cold").with("start.command", gk.toString())
                .with("probe.type", "command").with("probe.command", "/usr/bin/test -s " + pid)
                .with("probe.interval.ms", 100L));
        assertEquals(GatekeeperState.STOPPED, lifecycle.state());
        assertFalse(Files.exists(pid), "cold standby: a backup's gatekeeper does not run");

        lifecycle.prepareMaster(master(7));
        assertEquals(GatekeeperState.RUNNING, lifecycle.state());
        assertTrue(alive(pid));
        assertEquals(List.of("GKG_EPOCH=7", "GKG_NODE=node1", "GKG_ROLE=master", "GKG_VIPS=203.0.113.10/24"),
                Files.readAllLines(env));

        lifecycle.standDown(master(7));
        assertEquals(GatekeeperState.STOPPED, lifecycle.state());
        assertFalse(alive(pid));
        assertEquals(0, healthChanges.get());
    }

    @Test
    void aProbeThatNeverAnswersFailsThePromotionAndLeavesNothingRunning() throws Exception {
        Path pid = dir.resolve("pid");
        Path gk = script("gk", "echo $$ > " + pid + "\nexec /bin/sleep 60");
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            activate(config().with("driver", "foreground").with("start.command", gk.toString())
                    .with("probe.address", "127.0.0.1:" + silent.getLocalPort()).with("probe.timeout.ms", 300L)
                    .with("ready.timeout.ms", 600L).with("probe.interval.ms", 100L)
                    .with("restart.backoff.initial.ms", 2000L));
            GatekeeperException e = assertThrows(GatekeeperException.class, () -> lifecycle.prepareMaster(master(3)));
            assertTrue(e.getMessage().startsWith("ready.timeout.ms: the gatekeeper did not answer its probe "
                    + "(probe.type=sip-options probe.address=127.0.0.1:" + silent.getLocalPort() + ") within 600 ms"),
                    e.getMessage());
            assertEquals(GatekeeperState.FAILED, lifecycle.state());
            assertEquals(e.getMessage(), lifecycle.problem());
            await().atMost(BOUND).until(() -> Files.exists(pid));
            assertFalse(alive(pid), "the half-started gatekeeper was stopped");
            assertEquals(1, healthChanges.get());
            // Cold standby: after the back-off the node may be elected again.
            await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.STOPPED);
            assertEquals(2, healthChanges.get());
        }
    }

    @Test
    void aStartCommandRemovedAfterConfigurationFailsThePromotionNamingTheKey() throws Exception {
        Path gk = script("gk", "exec /bin/sleep 60");
        activate(config().with("driver", "foreground").with("start.command", gk.toString()).with("probe.type", "none"));
        Files.delete(gk);
        GatekeeperException e = assertThrows(GatekeeperException.class, () -> lifecycle.prepareMaster(master(1)));
        assertTrue(e.getMessage().startsWith("start.command: cannot run " + gk), e.getMessage());
        assertEquals(GatekeeperState.FAILED, lifecycle.state());
    }

    @Test
    void aGatekeeperThatExitsRightAwayFailsThePromotion() throws Exception {
        Path gk = script("gk", "echo cannot bind >&2\nexit 3");
        activate(config().with("driver", "foreground").with("start.command", gk.toString())
                .with("probe.address", "127.0.0.1:15097"));
        GatekeeperException e = assertThrows(GatekeeperException.class, () -> lifecycle.prepareMaster(master(1)));
        assertTrue(e.getMessage().startsWith("start.command: the gatekeeper exited before answering its probe"),
                e.getMessage());
    }

    @Test
    void warmSupervisionRestartsWithBackOffThenDeclaresFaultThenRecovers() throws Exception {
        Path mode = dir.resolve("mode");
        Files.writeString(mode, "crash");
        Path starts = dir.resolve("starts");
        Path ready = dir.resolve("ready");
        Path gk = script("gk", "echo x >> " + starts + "\nif [ \"$(cat " + mode + ")\" = crash ]; then rm -f " + ready
                + "; exit 1; fi\ntouch " + ready + "\nexec /bin/sleep 60");
        activate(config().with("driver", "foreground").with("standby", "warm").with("start.command", gk.toString())
                .with("probe.type", "command").with("probe.command", "/usr/bin/test -e " + ready).with("probe.interval.ms", 50L).with("restart.attempts", 2)
                .with("restart.backoff.initial.ms", 50L).with("restart.backoff.max.ms", 200L)
                .with("recovery.threshold", 3));
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.FAILED);
        assertEquals(1, healthChanges.get());
        // The first start and two restarts before the fault.
        assertTrue(Files.readAllLines(starts).size() >= 3, "starts: " + Files.readAllLines(starts).size());
        assertTrue(lifecycle.problem().startsWith("gatekeeper failed after 2 restarts (restart.attempts)"), lifecycle.problem());
        assertThrows(GatekeeperException.class, () -> lifecycle.prepareMaster(
                new RoleContext("node1", Role.MASTER, 2, List.of())));

        Files.writeString(mode, "run");
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.RUNNING);
        assertEquals(2, healthChanges.get());
        lifecycle.prepareMaster(master(3));
    }

    @Test
    void aColdMasterWhoseGatekeeperFailsStaysFailedAfterStandDownUntilItsBackOffIsOver() throws Exception {
        Path mode = dir.resolve("mode");
        Files.writeString(mode, "run");
        Path ready = dir.resolve("ready");
        Path pid = dir.resolve("pid");
        Path gk = script("gk", "if [ \"$(cat " + mode + ")\" = crash ]; then rm -f " + ready + "; exit 1; fi\n"
                + "echo $$ > " + pid + "\ntouch " + ready + "\nexec /bin/sleep 60");
        activate(config().with("driver", "foreground").with("start.command", gk.toString()).with("probe.type", "command")
                .with("probe.command", "/usr/bin/test -e " + ready).with("probe.interval.ms", 50L)
                .with("restart.attempts", 1).with("restart.backoff.initial.ms", 50L).with("restart.backoff.max.ms", 1500L));
        lifecycle.prepareMaster(master(1));
        Files.writeString(mode, "crash");
        ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).orElseThrow().destroyForcibly();
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.FAILED);
        assertEquals(1, healthChanges.get());
        lifecycle.standDown(master(1));
        assertEquals(GatekeeperState.FAILED, lifecycle.state(), "not eligible again right after failing as master");
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.STOPPED);
        assertEquals(2, healthChanges.get());
    }

    @Test
    void aSwitchoverTargetThatWasMadeReadyAMomentAgoIsNotProbedAgainForTheSameEpoch() throws Exception {
        Path ready = dir.resolve("ready");
        Path probes = dir.resolve("probes");
        Path gk = script("gk", "touch " + ready + "\nexec /bin/sleep 60");
        Path probe = script("probe", "echo x >> " + probes + "\ntest -e " + ready);
        activate(config().with("driver", "foreground").with("standby", "warm").with("start.command", gk.toString())
                .with("probe.type", "command").with("probe.command", probe.toString()).with("probe.interval.ms", 60_000L));
        await().atMost(BOUND).until(() -> Files.exists(ready));

        lifecycle.prepareMaster(master(4));
        int first = Files.readAllLines(probes).size();
        assertTrue(first >= 1, "the first readiness is probed");
        lifecycle.prepareMaster(master(4));
        assertEquals(first, Files.readAllLines(probes).size(), "asked again for the same epoch at once: no second probe");
        lifecycle.prepareMaster(master(5));
        assertEquals(first + 1, Files.readAllLines(probes).size(), "another epoch is probed");
        lifecycle.standDown(master(5));
        lifecycle.prepareMaster(master(5));
        assertEquals(first + 2, Files.readAllLines(probes).size(), "after a stand-down it is probed again");
        assertEquals(GatekeeperState.RUNNING, lifecycle.state());
    }

    @Test
    void switchingAMasterFromWarmToColdKeepsItsGatekeeperRunning() throws Exception {
        Path pid = dir.resolve("pid");
        Path gk = script("gk", "echo $$ > " + pid + "\nexec /bin/sleep 60");
        TestConfig c = config().with("driver", "foreground").with("standby", "warm").with("start.command", gk.toString())
                .with("probe.type", "none").with("probe.interval.ms", 50L);
        activate(c);
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.RUNNING);
        lifecycle.prepareMaster(master(1));
        lifecycle.configure(c.with("standby", "cold").build(), Map.of());
        await().atMost(BOUND).until(() -> alive(pid) && lifecycle.state() == GatekeeperState.RUNNING);
        lifecycle.standDown(master(1));
        assertEquals(GatekeeperState.STOPPED, lifecycle.state());
        assertFalse(alive(pid));
    }

    @Test
    void warmStandbyRunsOnEveryNodeAndStandDownLeavesItRunning() throws Exception {
        Path pid = dir.resolve("pid");
        Path env = dir.resolve("env");
        Path gk = script("gk", "env | grep ^GKG_ | sort > " + env + "\necho $$ > " + pid + "\nexec /bin/sleep 60");
        activate(config().with("driver", "foreground").with("standby", "warm").with("node.name", "board-a")
                .with("start.command", gk.toString()).with("probe.type", "none").with("probe.interval.ms", 50L));
        // probe.type=none: RUNNING as soon as the process lives, maybe before the script wrote its files.
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.RUNNING && alive(pid));
        assertEquals(List.of("GKG_EPOCH=0", "GKG_NODE=board-a", "GKG_ROLE=initializing", "GKG_VIPS="), Files.readAllLines(env));
        long first = Long.parseLong(Files.readString(pid).strip());
        lifecycle.prepareMaster(master(4));
        lifecycle.standDown(master(4));
        assertEquals(GatekeeperState.RUNNING, lifecycle.state());
        assertEquals(first, Long.parseLong(Files.readString(pid).strip()), "never restarted by role changes");
        assertTrue(alive(pid));
        lifecycle.deactivate();
        assertFalse(alive(pid), "the guardian stops its gatekeeper when it stops");
    }

    @Test
    void aGatekeeperIgnoringSigtermIsKilledAfterTheStopTimeout() throws Exception {
        Path pid = dir.resolve("pid");
        Path gk = script("gk", "trap '' TERM\necho $$ > " + pid + "\nexec /bin/sleep 60");
        activate(config().with("driver", "foreground").with("start.command", gk.toString()).with("probe.type", "command")
                .with("probe.command", "/usr/bin/test -s " + pid).with("stop.timeout.ms", 300L));
        lifecycle.prepareMaster(master(1));
        assertTrue(alive(pid));
        lifecycle.standDown(master(1));
        assertFalse(alive(pid));
        assertEquals(GatekeeperState.STOPPED, lifecycle.state());
    }

    @Test
    void aChangedGatekeeperConfigurationReplacesTheRunningGatekeeper() throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Path gk1 = script("gk1", "echo $$ > " + first + "\nexec /bin/sleep 60");
        Path gk2 = script("gk2", "echo $$ > " + second + "\nexec /bin/sleep 60");
        TestConfig warm = config().with("driver", "foreground").with("standby", "warm").with("probe.type", "none")
                .with("probe.interval.ms", 50L);
        activate(warm.with("start.command", gk1.toString()));
        await().atMost(BOUND).until(() -> alive(first) && lifecycle.state() == GatekeeperState.RUNNING);
        lifecycle.configure(warm.with("start.command", gk2.toString()).build(), Map.of());
        await().atMost(BOUND).until(() -> alive(second) && lifecycle.state() == GatekeeperState.RUNNING);
        assertFalse(alive(first));
        // A change that does not touch the gatekeeper (here a threshold) leaves it running.
        long pid = Long.parseLong(Files.readString(second).strip());
        lifecycle.configure(warm.with("failure.threshold", 5).build(), Map.of());
        assertEquals(pid, Long.parseLong(Files.readString(second).strip()));
        assertTrue(alive(second));
    }

    @Test
    void theSystemdDriverRunsSystemctlWithArgumentArrays() throws Exception {
        Path calls = dir.resolve("calls");
        Path active = dir.resolve("active");
        Path systemctl = script("systemctl", "echo \"$*\" >> " + calls + "\ncase $1 in\n start) touch " + active
                + ";;\n stop) rm -f " + active + ";;\n is-active) test -e " + active + ";;\nesac");
        activate(config().with("driver", "systemd").with("systemd.unit", "kamailio.service")
                .with("systemctl.path", systemctl.toString()).with("probe.type", "command")
                .with("probe.command", "/bin/true").with("probe.interval.ms", 600000L));
        lifecycle.prepareMaster(master(5));
        assertEquals(GatekeeperState.RUNNING, lifecycle.state());
        lifecycle.standDown(master(5));
        assertEquals(List.of("is-active --quiet kamailio.service", "stop kamailio.service",
                "set-environment GKG_EPOCH=5 GKG_NODE=node1 GKG_ROLE=master GKG_VIPS=203.0.113.10/24",
                "start kamailio.service", "is-active --quiet kamailio.service", "stop kamailio.service"),
                Files.readAllLines(calls));
    }

    @Test
    void theCommandDriverAndATimeoutNamingItsKey() throws Exception {
        Path calls = dir.resolve("calls");
        Path start = script("start", "echo start $GKG_ROLE >> " + calls);
        Path stop = script("stop", "echo stop >> " + calls);
        Path hang = script("hang", "exec /bin/sleep 60");
        activate(config().with("driver", "command").with("start.command", start.toString())
                .with("stop.command", stop.toString()).with("probe.type", "command")
                .with("probe.command", "/usr/bin/test -s " + calls));
        lifecycle.prepareMaster(master(1));
        lifecycle.standDown(master(1));
        assertEquals(List.of("stop", "start master", "stop"), Files.readAllLines(calls));

        lifecycle.configure(config().with("driver", "command").with("start.command", hang.toString())
                .with("stop.command", stop.toString()).with("probe.type", "command").with("probe.command", "/bin/false")
                .with("start.timeout.ms", 300L).build(), Map.of());
        GatekeeperException e = assertThrows(GatekeeperException.class, () -> lifecycle.prepareMaster(master(2)));
        assertEquals("start.command: " + hang + " did not finish within 300 ms; killed", e.getMessage());
    }

    @Test
    void withMirroringOffTheDigestIsPublishedAndSnapshotsAreRefused() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("gk.cfg"), "a");
        activate(config().with("mirror.allowed.dirs", etc.toString()).with("mirror.paths", etc.resolve("gk.cfg").toString()));
        assertEquals(64, lifecycle.configDigest().length());
        assertFalse(lifecycle.enabled());
        ConfigSnapshot snapshot = lifecycle.snapshot();
        assertEquals(lifecycle.configDigest(), snapshot.digest());
        MirrorException e = assertThrows(MirrorException.class, () -> lifecycle.apply(snapshot));
        assertEquals("mirror.enabled is false on this node: snapshot refused, nothing written", e.getMessage());
    }

    @Test
    void aMirroredChangeIsWrittenAndAWarmGatekeeperReloaded() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path cfg = Files.writeString(etc.resolve("gk.cfg"), "old");
        Path reloads = dir.resolve("reloads");
        Path gk = script("gk", "exec /bin/sleep 60");
        Path reload = script("reload", "echo \"$1 $GKG_ROLE\" >> " + reloads);
        activate(config().with("driver", "foreground").with("standby", "warm").with("start.command", gk.toString())
                .with("reload.command", reload + " {pid}").with("probe.type", "none").with("probe.interval.ms", 50L)
                .with("mirror.enabled", true).with("mirror.allowed.dirs", etc.toString()).with("mirror.paths", etc.toString()));
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.RUNNING);
        String before = lifecycle.configDigest();
        byte[] content = "new".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.TreeMap<String, String> d = new java.util.TreeMap<>();
        d.put(cfg.toString(), MirroredFiles.sha256(content));
        lifecycle.apply(new ConfigSnapshot(MirroredFiles.combine(d),
                List.of(new ConfigSnapshot.File(cfg.toString(), content, MirroredFiles.sha256(content)))));
        assertEquals("new", Files.readString(cfg));
        assertEquals("old", Files.readString(etc.resolve("gk.cfg.prev")));
        assertEquals(MirroredFiles.combine(d), lifecycle.configDigest());
        assertFalse(before.equals(lifecycle.configDigest()));
        List<String> lines = Files.readAllLines(reloads);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).matches("\\d+ initializing"), lines.get(0));
    }

    @Test
    void filesEditedLocallyAreNamedAndKeptWhenOverwritingIsOff() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path cfg = Files.writeString(etc.resolve("gk.cfg"), "as started");
        activate(config().with("mirror.enabled", true).with("mirror.overwrite.local", false)
                .with("digest.interval.ms", 20L).with("mirror.allowed.dirs", etc.toString())
                .with("mirror.paths", etc.toString()));
        assertEquals(List.of(), lifecycle.localChanges());
        Files.writeString(cfg, "edited here");
        await().atMost(BOUND).until(() -> lifecycle.localChanges().equals(List.of(cfg.toString())));

        byte[] content = "from the master".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.TreeMap<String, String> d = new java.util.TreeMap<>();
        d.put(cfg.toString(), MirroredFiles.sha256(content));
        ConfigSnapshot push = new ConfigSnapshot(MirroredFiles.combine(d),
                List.of(new ConfigSnapshot.File(cfg.toString(), content, MirroredFiles.sha256(content))));
        MirrorException e = assertThrows(MirrorException.class, () -> lifecycle.apply(push));
        assertEquals("mirror.overwrite.local is false and " + cfg + " changed here since the last snapshot; nothing written",
                e.getMessage());
        assertEquals("edited here", Files.readString(cfg));

        lifecycle.configure(config().with("mirror.enabled", true).with("digest.interval.ms", 20L)
                .with("mirror.allowed.dirs", etc.toString()).with("mirror.paths", etc.toString()).build(), Map.of());
        lifecycle.apply(push);
        assertEquals("from the master", Files.readString(cfg));
        assertEquals(List.of(), lifecycle.localChanges(), "what the master sent is the new reference");
    }

    @Test
    void aSnapshotLimitOutsideItsRangeIsRefusedNamingTheKey() {
        activate(config().with("mirror.max.bytes", 10L));
        assertEquals("configuration refused: mirror.max.bytes: 10 must be between 1024 and 3145728 (the guardians'"
                + " channel carries at most 4 MiB in one message)", lifecycle.problem());
    }
}
