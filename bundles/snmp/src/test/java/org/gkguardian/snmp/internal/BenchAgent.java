package org.gkguardian.snmp.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Runs the real agent over the guardian test double outside any container, for
 * testbed/bench-snmp.sh. Not a test. Arguments: PORT COMMUNITY. Stops when killed.
 */
public final class BenchAgent {

    private BenchAgent() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String community = args[1];
        // A fresh directory: an empty file would read as a lost count, which the agent refuses.
        Path bootsDir = Files.createTempDirectory("gkg-bench-boots");
        Path boots = bootsDir.resolve("snmp-engine-boots");
        TestConfig config = new TestConfig(new String[] {"udp:127.0.0.1/" + port}, 0, community, new String[0],
                new String[0], 0, 1000, "", "", "");
        SnmpAgentComponent agent = new SnmpAgentComponent(new FakeGuardian(), boots, Clock.systemUTC(), config);
        if (!agent.problem().isEmpty()) {
            throw new IllegalStateException(agent.problem());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.deactivate();
            boots.toFile().delete();
            EngineBoots.backupOf(boots).toFile().delete();
            bootsDir.toFile().delete();
        }));
        Thread.currentThread().join();
    }
}
