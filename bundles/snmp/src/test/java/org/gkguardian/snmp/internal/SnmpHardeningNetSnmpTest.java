package org.gkguardian.snmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as a manager on the network meets it, through Net-SNMP's own tools: retries, GETBULK, defaults. */
class SnmpHardeningNetSnmpTest {

    @TempDir
    Path dir;

    /** Net-SNMP's tools with our MIB, the given timeout and retries, and packet dumps (-d) when asked. */
    private static NetSnmp.Result run(String tool, int timeoutSeconds, int retries, String security, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(NetSnmp.tool(tool), "-M", "+" + NetSnmp.mibDir(), "-m",
                "+GK-GUARDIAN-MIB", "-t", Integer.toString(timeoutSeconds), "-r", Integer.toString(retries)));
        command.addAll(List.of(security.split(" ")));
        command.addAll(List.of(args));
        return NetSnmp.exec(command);
    }

    @Test
    void aRetransmittedSetToTheBestOtherMemberSwitchesOverOnce() throws Exception {
        FakeGuardian guardian = new FakeGuardian();
        // The switchover answers after 2.5 s; snmpset waits 1 s per try and sends the same request again.
        guardian.slowSwitchover(2500);
        SnmpAgentComponent agent = new SnmpAgentComponent(guardian, dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16140));
        try {
            NetSnmp.Result r = run("snmpset", 1, 4, NetSnmp.V3_WRITER, "udp:127.0.0.1:16140",
                    "GK-GUARDIAN-MIB::gkgControlTarget.0", "u", "0", "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "2");
            assertEquals(0, r.exitCode(), r.out());
            // Let the agent work through every retransmission that queued up behind the first.
            NetSnmp.Result after = run("snmpget", 10, 0, NetSnmp.V2C, "udp:127.0.0.1:16140",
                    "GK-GUARDIAN-MIB::gkgNodeMasterName.0");
            assertTrue(after.out().contains("STRING: node2"), after.out());
            assertEquals(1, guardian.switchovers(), "switchovers submitted");
            assertEquals("node2", guardian.master());

            // A new request (a new request-id) is a new switchover: back to node1.
            guardian.slowSwitchover(0);
            NetSnmp.Result again = run("snmpset", 2, 0, NetSnmp.V3_WRITER, "udp:127.0.0.1:16140",
                    "GK-GUARDIAN-MIB::gkgControlTarget.0", "u", "0", "GK-GUARDIAN-MIB::gkgControlAction.0", "i", "2");
            assertEquals(0, again.exitCode(), again.out());
            assertEquals(2, guardian.switchovers());
            assertEquals("node1", guardian.master());
        } finally {
            agent.deactivate();
        }
    }

    @Test
    void aHugeGetbulkIsAnsweredWithAtMostAHundredBindingsInOneFrame() throws Exception {
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16141));
        try {
            NetSnmp.Result r = run("snmpbulkget", 2, 0, NetSnmp.V2C + " -d -On -Cn0 -Cr100000", "udp:127.0.0.1:16141",
                    ".1.3.6.1.2.1.1", ".1.3.6.1.4.1.99999");
            assertEquals(0, r.exitCode(), r.out());
            long bindings = r.out().lines().filter(l -> l.startsWith(".1.")).count();
            assertTrue(bindings > 10 && bindings <= RequestLimits.MAX_BULK_VARBINDS, bindings + " bindings:\n" + r.out());
            Matcher received = Pattern.compile("Received (\\d+) byte packet").matcher(r.out());
            assertTrue(received.find(), r.out());
            int bytes = Integer.parseInt(received.group(1));
            // The PDU is capped; the message adds the version and community around it.
            assertTrue(bytes <= RequestLimits.MAX_RESPONSE_PDU_BYTES + 64, bytes + " bytes");
        } finally {
            agent.deactivate();
        }
    }

    @Test
    void withoutACommunitySnmpV2cGetsNoAnswerAndSnmpV3Does() throws Exception {
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(16142).withCommunity(""));
        try {
            for (String community : List.of("public", "s3cret-ro", "")) {
                NetSnmp.Result v2c = run("snmpget", 1, 0, "-v2c -c " + (community.isEmpty() ? "''" : community),
                        "udp:127.0.0.1:16142", "SNMPv2-MIB::sysName.0");
                assertTrue(v2c.out().contains("Timeout"), community + ": " + v2c.out());
            }
            NetSnmp.Result v3 = run("snmpget", 2, 0, NetSnmp.V3_READER, "udp:127.0.0.1:16142",
                    "GK-GUARDIAN-MIB::gkgNodeName.0");
            assertEquals(0, v3.exitCode(), v3.out());
            assertTrue(v3.out().contains("STRING: node1"), v3.out());
        } finally {
            agent.deactivate();
        }
    }

    @Test
    void requestLimitsFollowNetSnmp() {
        assertEquals(100, RequestLimits.maxRepetitions(1, 0, 100000));
        assertEquals(49, RequestLimits.maxRepetitions(3, 1, 100000));
        assertEquals(10, RequestLimits.maxRepetitions(2, 0, 10));
        assertEquals(0, RequestLimits.maxRepetitions(200, 0, 5));
        assertEquals(0, RequestLimits.maxRepetitions(1, 0, -5));
        assertEquals(100, RequestLimits.maxRepetitions(1, -3, 1000));
    }
}
