package org.gkguardian.snmp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent on loopback, driven by the real Net-SNMP tools as the NMS: reads by name through
 * GK-GUARDIAN-MIB, SETs with SNMPv3 authPriv and refusals, a v2c trap and a v3 INFORM received by
 * snmptrapd. The guardian behind it is a test double.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnmpAgentNetSnmpTest {

    private static final int AGENT_PORT = 16110;
    private static final int TRAPD_PORT = 16150;
    private static final String AGENT = "udp:127.0.0.1:" + AGENT_PORT;

    @TempDir
    static Path dir;

    private FakeGuardian guardian;
    private SnmpAgentComponent agent;
    private Process trapd;
    private Path trapLog;

    @BeforeAll
    void start() throws IOException {
        trapLog = dir.resolve("snmptrapd.log");
        Path conf = dir.resolve("snmptrapd.conf");
        Files.writeString(conf, String.join("\n",
                "authCommunity log,execute,net trapcomm",
                "createUser informer SHA-256 informAuthPass1 AES informPrivPass1",
                "authUser log,execute,net informer authPriv",
                // v3 traps are sent with the agent's own engine ID (derived from the node name "node1").
                "createUser -e 0x8001869f046e6f646531 trapper SHA-512 trapperAuthPass1 AES trapperPrivPass1",
                "authUser log,execute,net trapper authPriv",
                ""));
        Path persistent = Files.createDirectories(dir.resolve("trapd-persistent"));
        ProcessBuilder pb = new ProcessBuilder(NetSnmp.tool("snmptrapd"), "-f", "-Lf", trapLog.toString(),
                "-C", "-c", conf.toString(), "-M", "+" + NetSnmp.mibDir(), "-m", "+GK-GUARDIAN-MIB",
                "udp:127.0.0.1:" + TRAPD_PORT).redirectErrorStream(true)
                .redirectOutput(dir.resolve("snmptrapd.out").toFile());
        pb.environment().put("SNMP_PERSISTENT_DIR", persistent.toString());
        pb.environment().put("SNMPCONFPATH", persistent.toString());
        trapd = pb.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(trapLog)
                && Files.readString(trapLog).contains("NET-SNMP version"));

        guardian = new FakeGuardian();
        String[] users = {TestConfig.WRITER, TestConfig.READER,
            "informer:SHA-256:informAuthPass1:AES:informPrivPass1:read",
            "trapper:SHA-512:trapperAuthPass1:AES:trapperPrivPass1:read"};
        agent = new SnmpAgentComponent(guardian, dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(AGENT_PORT).withUsers(users).withTargets(
                        "v2c-trap:127.0.0.1/" + TRAPD_PORT + ":trapcomm",
                        "v3-inform:127.0.0.1/" + TRAPD_PORT + ":informer",
                        "v3-trap:127.0.0.1/" + TRAPD_PORT + ":trapper"));
        guardian.addListener(agent);
        assertEquals("", agent.problem());
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (agent != null) {
            agent.deactivate();
        }
        if (trapd != null) {
            trapd.destroy();
            if (!trapd.waitFor(5, TimeUnit.SECONDS)) {
                trapd.destroyForcibly();
            }
        }
    }

    @Test
    @Order(1)
    void snmpgetReadsTheRoleByName() throws Exception {
        NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgNodeRole.0",
                "GK-GUARDIAN-MIB::gkgNodeName.0", "GK-GUARDIAN-MIB::gkgNodeAddress.0",
                "GK-GUARDIAN-MIB::gkgNodeEpoch.0");
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("GK-GUARDIAN-MIB::gkgNodeRole.0 = INTEGER: master(3)"), r.out());
        assertTrue(r.out().contains("GK-GUARDIAN-MIB::gkgNodeName.0 = STRING: node1"), r.out());
        assertTrue(r.out().contains("GK-GUARDIAN-MIB::gkgNodeAddress.0 = Hex-STRING: C6 33 64 03"), r.out());
        assertTrue(r.out().contains("GK-GUARDIAN-MIB::gkgNodeEpoch.0 = Gauge32: 7"), r.out());

        // No failover yet: the zero-length "never", not a date of month 0.
        NetSnmp.Result never = NetSnmp.run("snmpget", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgNodeLastFailoverTime.0");
        assertEquals(0, never.exitCode(), never.out());
        assertTrue(never.out().startsWith("GK-GUARDIAN-MIB::gkgNodeLastFailoverTime.0 = STRING: \n")
                || never.out().startsWith("GK-GUARDIAN-MIB::gkgNodeLastFailoverTime.0 = \"\""), never.out());
    }

    @Test
    @Order(2)
    void snmpwalkAndBulkwalkListTheMemberTable() throws Exception {
        NetSnmp.Result walk = NetSnmp.run("snmpwalk", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgMemberTable");
        assertEquals(0, walk.exitCode(), walk.out());
        assertTrue(walk.out().contains("GK-GUARDIAN-MIB::gkgMemberName.2 = STRING: node2"), walk.out());
        assertTrue(walk.out().contains("GK-GUARDIAN-MIB::gkgMemberRole.3 = INTEGER: fault(4)"), walk.out());
        assertTrue(walk.out().contains("GK-GUARDIAN-MIB::gkgMemberReachable.1 = INTEGER: true(1)"), walk.out());
        assertEquals(3 * 11, walk.out().lines().filter(l -> l.startsWith("GK-GUARDIAN-MIB::gkgMember")).count(),
                walk.out());

        NetSnmp.Result bulk = NetSnmp.run("snmpbulkwalk", NetSnmp.V3_READER, AGENT, "GK-GUARDIAN-MIB::gkGuardianMIB");
        assertEquals(0, bulk.exitCode(), bulk.out());
        assertTrue(bulk.out().contains("GK-GUARDIAN-MIB::gkgMemberName.3 = STRING: node3"), bulk.out());
        assertTrue(bulk.out().contains("GK-GUARDIAN-MIB::gkgHistoryToRole.2 = INTEGER: master(3)"), bulk.out());
        assertTrue(bulk.out().contains("GK-GUARDIAN-MIB::gkgAlarmSeverity.1 = INTEGER: major(4)"), bulk.out());
        assertTrue(bulk.out().contains("GK-GUARDIAN-MIB::gkgControlResult.0 = INTEGER: none(1)"), bulk.out());
    }

    @Test
    @Order(3)
    void systemGroupAndEngineObjectsAnswer() throws Exception {
        NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V2C, "-On", AGENT, "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0",
                "1.3.6.1.2.1.1.2.0", "1.3.6.1.6.3.10.2.1.1.0", "1.3.6.1.6.3.10.2.1.2.0");
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains(".1.3.6.1.2.1.1.1.0 = STRING: GK Guardian SNMP agent, node node1"), r.out());
        assertTrue(r.out().contains(".1.3.6.1.2.1.1.5.0 = STRING: node1"), r.out());
        assertTrue(r.out().contains(".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.99999"), r.out());
        assertTrue(r.out().contains(".1.3.6.1.6.3.10.2.1.1.0 = Hex-STRING: 80 01 86 9F 04 6E 6F 64 65 31"), r.out());
        assertTrue(r.out().contains(".1.3.6.1.6.3.10.2.1.2.0 = INTEGER: 1"), r.out());
    }

    @Test
    @Order(4)
    void wrongCommunityGetsNoAnswerAndV3NeedsTheRightKeys() throws Exception {
        NetSnmp.Result r = NetSnmp.run("snmpget", "-v2c -c public", AGENT, "GK-GUARDIAN-MIB::gkgNodeRole.0");
        assertFalse(r.exitCode() == 0, r.out());
        assertTrue(r.out().contains("Timeout"), r.out());
        NetSnmp.Result bad = NetSnmp.run("snmpget",
                "-v3 -l authPriv -u admin -a SHA-256 -A wrongAuthPass -x AES -X adminPrivPass1", AGENT,
                "GK-GUARDIAN-MIB::gkgNodeRole.0");
        assertFalse(bad.exitCode() == 0, bad.out());
        assertTrue(bad.out().contains("Authentication failed"), bad.out());
    }

    @Test
    @Order(5)
    void setWithTheV2cCommunityIsRefused() throws Exception {
        NetSnmp.Result r = NetSnmp.run("snmpset", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "2");
        assertFalse(r.exitCode() == 0, r.out());
        assertTrue(r.out().contains("noAccess"), r.out());
        assertEquals("node1", guardian.master());
    }

    @Test
    @Order(6)
    void setByAReadOnlyV3UserIsRefused() throws Exception {
        NetSnmp.Result r = NetSnmp.run("snmpset", NetSnmp.V3_READER, AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "2");
        assertTrue(r.out().contains("noAccess"), r.out());
        assertEquals("node1", guardian.master());
    }

    @Test
    @Order(7)
    void setsAnswerProperSnmpErrors() throws Exception {
        NetSnmp.Result ineligible = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT,
                "GK-GUARDIAN-MIB::gkgControlTarget.0", "u", "3", "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "2");
        assertTrue(ineligible.out().contains("inconsistentValue"), ineligible.out());
        NetSnmp.Result why = NetSnmp.run("snmpget", NetSnmp.V3_WRITER, AGENT, "GK-GUARDIAN-MIB::gkgControlResult.0",
                "GK-GUARDIAN-MIB::gkgControlResultText.0");
        assertTrue(why.out().contains("targetNotEligible(5)"), why.out());
        assertTrue(why.out().contains("node3 is in fault"), why.out());

        NetSnmp.Result unknown = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT,
                "GK-GUARDIAN-MIB::gkgControlTarget.0", "u", "9", "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "2");
        assertTrue(unknown.out().contains("inconsistentValue"), unknown.out());

        NetSnmp.Result wrongType = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, "-Ir", AGENT,
                "GK-GUARDIAN-MIB::gkgControlAction.0", "s", "switchover");
        assertTrue(wrongType.out().contains("wrongType"), wrongType.out());

        NetSnmp.Result none = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, "-Ir", AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "1");
        assertTrue(none.out().contains("wrongValue"), none.out());

        NetSnmp.Result readOnlyObject = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT, "GK-GUARDIAN-MIB::gkgNodeRole.0",
                "i", "3");
        // Outside the writers' view: noAccess. Inside it but read-only: notWritable.
        assertTrue(readOnlyObject.out().contains("noAccess"), readOnlyObject.out());
        NetSnmp.Result result = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, "-Ir", AGENT,
                "GK-GUARDIAN-MIB::gkgControlResult.0", "i", "2");
        assertTrue(result.out().contains("notWritable"), result.out());
        assertEquals("node1", guardian.master());
    }

    @Test
    @Order(8)
    void v3AuthPrivSetSwitchesOverAndTheNmsHearsIt() throws Exception {
        NetSnmp.Result r = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT,
                "GK-GUARDIAN-MIB::gkgControlTarget.0", "u", "2", "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "2");
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("GK-GUARDIAN-MIB::gkgControlAction.0 = INTEGER: switchover(2)"), r.out());
        assertEquals("node2", guardian.master());

        NetSnmp.Result after = NetSnmp.run("snmpget", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgNodeRole.0",
                "GK-GUARDIAN-MIB::gkgNodeMasterName.0", "GK-GUARDIAN-MIB::gkgControlResult.0");
        assertTrue(after.out().contains("gkgNodeRole.0 = INTEGER: backup(2)"), after.out());
        assertTrue(after.out().contains("gkgNodeMasterName.0 = STRING: node2"), after.out());
        assertTrue(after.out().contains("gkgControlResult.0 = INTEGER: accepted(2)"), after.out());

        // The v2c trap, the v3 trap and the v3 INFORM reach snmptrapd, decoded by name, with node, epoch and cause.
        await().atMost(Duration.ofSeconds(10)).until(() -> occurrences(Files.readString(trapLog, StandardCharsets.UTF_8),
                "GK-GUARDIAN-MIB::gkgMasterChanged") >= 3);
        String log = Files.readString(trapLog, StandardCharsets.UTF_8);
        assertTrue(log.contains("GK-GUARDIAN-MIB::gkgNotifyEpoch.0 = Gauge32: 8"), log);
        assertTrue(log.contains("GK-GUARDIAN-MIB::gkgNotifyCause.0 = INTEGER: switchover(4)"), log);
        assertTrue(log.contains("GK-GUARDIAN-MIB::gkgNotifyNewMaster.0 = STRING: node2"), log);
        assertTrue(log.contains("GK-GUARDIAN-MIB::gkgNotifyNode.0 = STRING: node1"), log);
        AgentEngine engine = agent.engine().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.informsAcknowledged() == 1);
        assertEquals(0, engine.informsLost());
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    @Test
    @Order(9)
    void maintenanceOnAndOffBySet() throws Exception {
        NetSnmp.Result on = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "3");
        assertEquals(0, on.exitCode(), on.out());
        NetSnmp.Result role = NetSnmp.run("snmpget", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgNodeRole.0");
        assertTrue(role.out().contains("INTEGER: maintenance(5)"), role.out());
        NetSnmp.Result again = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "3");
        assertEquals(0, again.exitCode(), again.out());
        NetSnmp.Result result = NetSnmp.run("snmpget", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgControlResult.0");
        assertTrue(result.out().contains("alreadyDone(3)"), result.out());
        NetSnmp.Result off = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "4");
        assertEquals(0, off.exitCode(), off.out());
        NetSnmp.Result back = NetSnmp.run("snmpget", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgNodeRole.0");
        assertTrue(back.out().contains("INTEGER: backup(2)"), back.out());
    }

    @Test
    @Order(10)
    void anAlarmAndItsClearReachTheNmsWithOneIdentifier() throws Exception {
        String id = "config-mismatch:198.51.100.2";
        guardian.publish(new GuardianEvent(EventType.CONFIG_MISMATCH, "node1", 8, Cause.CONFIGURATION, Instant.now(),
                Map.of(GuardianEvent.MEMBER, "node2", GuardianEvent.ALARM_ID, id, GuardianEvent.SEVERITY, "warning",
                        GuardianEvent.TEXT, "gatekeeper configuration of node2 differs from ours")));
        guardian.publish(new GuardianEvent(EventType.CONFIG_MISMATCH_CLEARED, "node1", 8, Cause.CONFIGURATION,
                Instant.now(), Map.of(GuardianEvent.MEMBER, "node2", GuardianEvent.ALARM_ID, id,
                        GuardianEvent.SEVERITY, "cleared")));
        // Three targets (v2c trap, v3 trap, v3 INFORM) each receive the raise and the clear.
        await().atMost(Duration.ofSeconds(10)).until(() -> occurrences(Files.readString(trapLog, StandardCharsets.UTF_8),
                "GK-GUARDIAN-MIB::gkgConfigMismatchCleared") >= 3);
        List<String> raises = notificationsOf(Files.readString(trapLog, StandardCharsets.UTF_8),
                "gkgConfigMismatch");
        List<String> clears = notificationsOf(Files.readString(trapLog, StandardCharsets.UTF_8),
                "gkgConfigMismatchCleared");
        assertEquals(3, raises.size(), raises.toString());
        assertEquals(3, clears.size(), clears.toString());
        for (String raise : raises) {
            assertTrue(raise.contains("GK-GUARDIAN-MIB::gkgNotifyAlarmId.0 = STRING: " + id), raise);
            assertTrue(raise.contains("GK-GUARDIAN-MIB::gkgNotifyAlarmSeverity.0 = INTEGER: warning(6)"), raise);
        }
        for (String clear : clears) {
            assertTrue(clear.contains("GK-GUARDIAN-MIB::gkgNotifyAlarmId.0 = STRING: " + id), clear);
            assertTrue(clear.contains("GK-GUARDIAN-MIB::gkgNotifyAlarmSeverity.0 = INTEGER: cleared(1)"), clear);
        }
    }

    /**
     * The notifications snmptrapd logged with the given name: its default log format puts each one's varbinds on one
     * line, separated by tabs.
     */
    private static List<String> notificationsOf(String log, String name) {
        String trapOid = "SNMPv2-MIB::snmpTrapOID.0 = OID: GK-GUARDIAN-MIB::" + name + "\t";
        return log.lines().filter(l -> l.contains(trapOid)).toList();
    }

    @Test
    @Order(11)
    void secretsAreNeverPublished() throws Exception {
        NetSnmp.Result all = NetSnmp.run("snmpwalk", NetSnmp.V3_READER, AGENT, ".1");
        for (String secret : List.of("s3cret-ro", "adminAuthPass1", "adminPrivPass1", "viewerAuthPass1", "trapcomm")) {
            assertFalse(all.out().contains(secret), secret + " published: " + all.out());
        }
        assertTrue(all.out().contains("gkgNodeRole.0"), all.out());
    }

    @Test
    @Order(12)
    void theMirrorTableAugmentsTheMembersAndMirrorPushIsAnAction() throws Exception {
        List<String> pushes = new java.util.concurrent.CopyOnWriteArrayList<>();
        agent.setMirrorControl(new org.gkguardian.api.MirrorControl() {
            @Override
            public List<org.gkguardian.api.MirrorMemberStatus> mirrorStatus() {
                return List.of(
                        new org.gkguardian.api.MirrorMemberStatus(1, "node1", FakeGuardian.address("198.51.100.3"), true,
                                "ab".repeat(32), true, java.util.Optional.of(java.time.Instant.parse("2026-12-02T07:00:00Z"))),
                        new org.gkguardian.api.MirrorMemberStatus(2, "node2", FakeGuardian.address("198.51.100.2"), false,
                                "cd".repeat(32), false, java.util.Optional.empty()));
            }

            @Override
            public org.gkguardian.api.OperatorResult push() {
                pushes.add("push");
                return pushes.size() == 1 ? org.gkguardian.api.OperatorResult.accepted("pushed 1 files")
                        : org.gkguardian.api.OperatorResult.refused(org.gkguardian.api.OperatorResult.Outcome.REFUSED,
                                "only the master pushes its files");
            }
        });
        NetSnmp.Result walk = NetSnmp.run("snmpwalk", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgMirrorTable");
        assertEquals(0, walk.exitCode(), walk.out());
        assertTrue(walk.out().contains("GK-GUARDIAN-MIB::gkgMirrorDigest.2 = STRING: " + "cd".repeat(32)), walk.out());
        assertTrue(walk.out().contains("GK-GUARDIAN-MIB::gkgMirrorIsMaster.1 = INTEGER: true(1)"), walk.out());
        assertTrue(walk.out().contains("GK-GUARDIAN-MIB::gkgMirrorMatches.2 = INTEGER: false(2)"), walk.out());
        assertTrue(walk.out().contains("GK-GUARDIAN-MIB::gkgMirrorLastMatched.1 = STRING: 2026-12-2,7:0:0.0,+0:0"),
                walk.out());
        assertEquals(2 * 4, walk.out().lines().filter(l -> l.startsWith("GK-GUARDIAN-MIB::gkgMirror")).count(),
                walk.out());

        NetSnmp.Result push = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "5");
        assertEquals(0, push.exitCode(), push.out());
        NetSnmp.Result refused = NetSnmp.run("snmpset", NetSnmp.V3_WRITER, AGENT, "GK-GUARDIAN-MIB::gkgControlAction.0", "i",
                "5");
        assertTrue(refused.out().contains("inconsistentValue"), refused.out());
        NetSnmp.Result why = NetSnmp.run("snmpget", NetSnmp.V2C, AGENT, "GK-GUARDIAN-MIB::gkgControlResultText.0");
        assertTrue(why.out().contains("only the master pushes its files"), why.out());
        assertEquals(List.of("push", "push"), pushes);
    }
}
