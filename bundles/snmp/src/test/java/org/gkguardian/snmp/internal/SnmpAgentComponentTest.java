package org.gkguardian.snmp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration handling and VIP listening of the component, with the real agent on loopback. */
class SnmpAgentComponentTest {

    @TempDir
    Path dir;

    @Test
    void invalidConfigurationLeavesTheAgentInertAndNamesTheKey() throws Exception {
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16130).withListen("udp:nms.example.org/161"));
        try {
            assertTrue(agent.engine().isEmpty());
            assertTrue(agent.problem().startsWith(SettingsValidator.LISTEN), agent.problem());
            NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V2C, "udp:127.0.0.1:16130", "GK-GUARDIAN-MIB::gkgNodeRole.0");
            assertTrue(r.out().contains("Timeout"), r.out());
        } finally {
            agent.deactivate();
        }
    }

    @Test
    void aTypoInANumberIsRefusedAtActivationAndInAChange() throws Exception {
        SnmpAgentComponent inert = new SnmpAgentComponent(new FakeGuardian(), dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16133).unconvertible("inform_retries"), java.util.Map.of("inform.retries", "3x"));
        try {
            assertTrue(inert.engine().isEmpty());
            assertEquals("inform.retries: '3x' is not a whole number", inert.problem());
        } finally {
            inert.deactivate();
        }
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16134));
        try {
            AgentEngine running = agent.engine().orElseThrow();
            agent.modified(TestConfig.listening(16135).unconvertible("listen_vip_port"),
                    java.util.Map.of("listen.vip.port", "1l61"));
            assertSame(running, agent.engine().orElseThrow());
            assertEquals("listen.vip.port: '1l61' is not a whole number", agent.problem());
        } finally {
            agent.deactivate();
        }
    }

    @Test
    void badModificationKeepsTheLastGoodConfigurationRunning() throws Exception {
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16131));
        try {
            AgentEngine running = agent.engine().orElseThrow();
            agent.modified(TestConfig.listening(16131).withUsers("admin:MD5:x:DES:y:write"), java.util.Map.of());
            assertSame(running, agent.engine().orElseThrow());
            assertTrue(agent.problem().startsWith(SettingsValidator.USERS), agent.problem());
            NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V3_WRITER, "udp:127.0.0.1:16131",
                    "GK-GUARDIAN-MIB::gkgNodeRole.0");
            assertEquals(0, r.exitCode(), r.out());

            // A good change is applied: the agent moves to the new port.
            agent.modified(TestConfig.listening(16132), java.util.Map.of());
            assertEquals("", agent.problem());
            NetSnmp.Result moved = NetSnmp.run("snmpget", NetSnmp.V2C, "udp:127.0.0.1:16132",
                    "GK-GUARDIAN-MIB::gkgNodeRole.0");
            assertEquals(0, moved.exitCode(), moved.out());
        } finally {
            agent.deactivate();
        }
    }

    @Test
    void engineBootsGrowsAcrossStartsAndNothingElseIsPersisted() throws Exception {
        Path boots = dir.resolve("boots");
        for (int start = 1; start <= 2; start++) {
            SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), boots, Clock.systemUTC(),
                    TestConfig.listening(16133));
            try {
                NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V2C, "-On", "udp:127.0.0.1:16133",
                        "1.3.6.1.6.3.10.2.1.2.0");
                assertTrue(r.out().contains("= INTEGER: " + start), r.out());
            } finally {
                agent.deactivate();
            }
        }
        try (var files = Files.list(dir)) {
            assertEquals(java.util.Set.of(boots, EngineBoots.backupOf(boots)), java.util.Set.copyOf(files.toList()));
        }
    }

    @Test
    void aTruncatedBootsFileDoesNotPinSnmpEngineBootsAtOne() throws Exception {
        Path boots = dir.resolve("boots");
        for (int start = 1; start <= 3; start++) {
            new SnmpAgentComponent(new FakeGuardian(), boots, Clock.systemUTC(), TestConfig.listening(16136))
                    .deactivate();
        }
        Files.writeString(boots, "");
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), boots, Clock.systemUTC(),
                TestConfig.listening(16136));
        try {
            NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V2C, "-On", "udp:127.0.0.1:16136",
                    "1.3.6.1.6.3.10.2.1.2.0");
            assertTrue(r.out().contains("= INTEGER: 4"), r.out());
        } finally {
            agent.deactivate();
        }
        Files.writeString(boots, "");
        Files.writeString(EngineBoots.backupOf(boots), "");
        SnmpAgentComponent refused = new SnmpAgentComponent(new FakeGuardian(), boots, Clock.systemUTC(),
                TestConfig.listening(16136));
        try {
            assertTrue(refused.engine().isEmpty());
            assertTrue(refused.problem().startsWith("snmpEngineBoots is unknown"), refused.problem());
        } finally {
            refused.deactivate();
        }
    }

    @Test
    void answersOnTheVipWhileItIsBoundHere() throws Exception {
        FakeGuardian guardian = new FakeGuardian();
        // 127.0.0.2 is on loopback: it stands for a VIP this node has bound.
        guardian.setVips(List.of(FakeGuardian.vip("127.0.0.2", true)));
        SnmpAgentComponent agent = new SnmpAgentComponent(guardian, dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16134).withVipPort(16135));
        try {
            AgentEngine engine = agent.engine().orElseThrow();
            InetAddress vip = InetAddress.getByName("127.0.0.2");
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.vipListeners().contains(vip));
            NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V2C, "udp:127.0.0.2:16135", "GK-GUARDIAN-MIB::gkgVipBound.1");
            assertTrue(r.out().contains("gkgVipBound.1 = INTEGER: true(1)"), r.out());

            guardian.setVips(List.of(FakeGuardian.vip("127.0.0.2", false)));
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.vipListeners().isEmpty());
            NetSnmp.Result gone = NetSnmp.run("snmpget", NetSnmp.V2C, "udp:127.0.0.2:16135", "GK-GUARDIAN-MIB::gkgVipBound.1");
            assertFalse(gone.exitCode() == 0, gone.out());
        } finally {
            agent.deactivate();
        }
    }
}
