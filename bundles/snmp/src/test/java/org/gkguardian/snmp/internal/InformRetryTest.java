package org.gkguardian.snmp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An INFORM survives a manager that is briefly away: retries reach it once it is back. */
class InformRetryTest {

    private static final int AGENT_PORT = 16125;
    private static final int TRAPD_PORT = 16155;

    @TempDir
    Path dir;

    @Test
    void informIsRetriedUntilTheManagerIsBackAndLostOnlyWhenRetriesRunOut() throws Exception {
        TestConfig config = new TestConfig(new String[] {"udp:127.0.0.1/" + AGENT_PORT}, 0, "s3cret-ro",
                new String[0], new String[] {"v2c-inform:127.0.0.1/" + TRAPD_PORT + ":informcomm"}, 4, 1000, "", "", "");
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), dir.resolve("boots"), Clock.systemUTC(),
                config);
        Process trapd = null;
        try {
            AgentEngine engine = agent.engine().orElseThrow();
            GuardianEvent event = new GuardianEvent(EventType.QUORUM_LOST, "node1", 9, Cause.QUORUM, Instant.now(),
                    Map.of(GuardianEvent.TEXT, "1 of 3 members visible"));

            // Nobody listens: after 1 + 4 tries of 1 s the INFORM counts as lost.
            agent.eventRaised(event);
            await().atMost(Duration.ofSeconds(15)).until(() -> engine.informsLost() == 1);

            // The manager comes back while the retries run: acknowledged.
            agent.eventRaised(event);
            TimeUnit.MILLISECONDS.sleep(1500);
            Path log = dir.resolve("snmptrapd.log");
            Path conf = dir.resolve("snmptrapd.conf");
            Files.writeString(conf, "authCommunity log,execute,net informcomm\n");
            ProcessBuilder pb = new ProcessBuilder(NetSnmp.tool("snmptrapd"), "-f", "-Lf", log.toString(), "-C", "-c",
                    conf.toString(), "-M", "+" + NetSnmp.mibDir(), "-m", "+GK-GUARDIAN-MIB", "udp:127.0.0.1:" + TRAPD_PORT)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("snmptrapd.out").toFile());
            pb.environment().put("SNMP_PERSISTENT_DIR", dir.toString());
            pb.environment().put("SNMPCONFPATH", dir.toString());
            trapd = pb.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.informsAcknowledged() == 1);
            assertEquals(1, engine.informsLost());
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(log).contains("GK-GUARDIAN-MIB::gkgQuorumLost"));
        } finally {
            agent.deactivate();
            if (trapd != null) {
                trapd.destroy();
                if (!trapd.waitFor(5, TimeUnit.SECONDS)) {
                    trapd.destroyForcibly();
                }
            }
        }
    }
}
