package org.gkguardian.lifecycle.internal;

import static org.awaitility.Awaitility.await;
import static org.gkguardian.lifecycle.internal.TestConfig.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference gatekeeper: Kamailio with the sample registrar configuration shipped in the assembly,
 * run in the foreground by the lifecycle on loopback, probed with SIP OPTIONS, registered with sipsak.
 * Fails (never skips) when kamailio or sipsak is missing.
 */
class KamailioLifecycleTest {

    static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");
    static final Path SIPSAK = Path.of("/usr/bin/sipsak");
    static final Path SAMPLE_CFG = Path.of("../../karaf-assembly/src/main/resources/assembly/etc/kamailio/kamailio.cfg")
            .toAbsolutePath().normalize();
    private static final Duration BOUND = Duration.ofSeconds(15);

    @TempDir
    Path runtimeDir;
    private final GatekeeperLifecycle lifecycle = new GatekeeperLifecycle();

    @BeforeAll
    static void toolsArePresent() {
        assertTrue(Files.isExecutable(KAMAILIO), KAMAILIO + " is missing: install the Debian package kamailio");
        assertTrue(Files.isExecutable(SIPSAK), SIPSAK + " is missing: install the Debian package sipsak");
        assertTrue(Files.isRegularFile(SAMPLE_CFG), "sample configuration missing: " + SAMPLE_CFG);
    }

    @AfterEach
    void deactivate() {
        lifecycle.deactivate();
    }

    /** The lifecycle configuration for the sample, as documented in the shipped cfg, on a loopback port. */
    static TestConfig kamailio(String standby, int port, Path runtimeDir) {
        return config().with("driver", "foreground").with("standby", standby)
                .with("start.command", KAMAILIO + " -f " + SAMPLE_CFG + " -DD -E -Y " + runtimeDir
                        + " -m 32 -M 4 -A CHILDREN=1 -l udp:127.0.0.1:" + port + " -l tcp:127.0.0.1:" + port)
                .with("log.prefix", "kamailio").with("probe.type", "sip-options").with("probe.address", "127.0.0.1:" + port)
                .with("probe.interval.ms", 200L).with("probe.timeout.ms", 500L).with("ready.timeout.ms", 10000L)
                .with("restart.backoff.initial.ms", 100L);
    }

    static RoleContext master(long epoch) {
        return new RoleContext("node1", Role.MASTER, epoch, List.of());
    }

    /** A terminal registering with the registrar; true when it got 200 OK. */
    static boolean register(int port, String user) throws Exception {
        Process sipsak = new ProcessBuilder(SIPSAK.toString(), "-U", "-i", "-C", "sip:" + user + "@127.0.0.1:15099",
                "-s", "sip:" + user + "@127.0.0.1:" + port, "-vvv").redirectErrorStream(true).start();
        String out = new String(sipsak.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!sipsak.waitFor(20, TimeUnit.SECONDS)) {
            sipsak.destroyForcibly();
            return false;
        }
        return sipsak.exitValue() == 0 && out.contains("\nSIP/2.0 200 OK");
    }

    private static boolean answers(int port) {
        return new SipOptionsProbe(new InetSocketAddress("127.0.0.1", port), Duration.ofMillis(500)).check().healthy();
    }

    private static long kamailioPid(GatekeeperLifecycle lifecycle) {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("kamailio")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    @Test
    void coldStandbyStartsKamailioOnPromotionAndStopsItOnStandDown() throws Exception {
        int port = 15061;
        lifecycle.activate(kamailio("cold", port, runtimeDir).build(), java.util.Map.of());
        assertEquals(GatekeeperState.STOPPED, lifecycle.state());
        assertFalse(answers(port), "a cold backup runs no gatekeeper");

        lifecycle.prepareMaster(master(1));
        assertEquals(GatekeeperState.RUNNING, lifecycle.state());
        assertTrue(answers(port));
        assertTrue(register(port, "alice"), "REGISTER answered 200 OK");

        lifecycle.standDown(master(1));
        assertEquals(GatekeeperState.STOPPED, lifecycle.state());
        assertFalse(answers(port));
        assertEquals(-1, kamailioPid(lifecycle), "no Kamailio left");
        assertFalse(register(port, "alice"), "nobody registers terminals after stand-down");
    }

    @Test
    void warmStandbyRunsKamailioFromActivationAndRestartsItWhenKilled() throws Exception {
        int port = 15062;
        lifecycle.activate(kamailio("warm", port, runtimeDir).build(), java.util.Map.of());
        await().atMost(BOUND).until(() -> lifecycle.state() == GatekeeperState.RUNNING);
        assertTrue(register(port, "bob"), "a warm backup's registrar already serves");
        lifecycle.prepareMaster(master(2));
        lifecycle.standDown(master(2));
        assertEquals(GatekeeperState.RUNNING, lifecycle.state());
        assertTrue(answers(port));

        long pid = kamailioPid(lifecycle);
        assertNotEquals(-1, pid);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(BOUND).until(() -> kamailioPid(lifecycle) != -1 && kamailioPid(lifecycle) != pid
                && lifecycle.state() == GatekeeperState.RUNNING && answers(port));
        assertTrue(register(port, "bob"));
    }
}
