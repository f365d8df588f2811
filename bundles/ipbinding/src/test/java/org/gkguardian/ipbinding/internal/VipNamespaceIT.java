package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs testbed/tests/vip-failover.sh on namespace hosts with this module's test class path. Needs root
 * and the tools the script names; it fails, never skips, when they are missing.
 */
class VipNamespaceIT {

    @Test
    void vipBindsMovesAndIsReleasedWhenTheJvmDiesOrHangs() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
        Path script = repo.resolve("testbed/tests/vip-failover.sh");
        Path log = Path.of(System.getProperty("user.dir"), "target", "vip-failover.log");
        Files.createDirectories(log.getParent());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("GKG_CLASSPATH", classPath);
        builder.environment().put("MOVES", System.getProperty("gkg.vip.moves", "2"));
        Process process = builder.start();
        boolean finished = process.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertTrue(finished, "vip-failover.sh did not finish within 180 s; see " + log);
        assertEquals(0, process.exitValue(), "vip-failover.sh failed; see " + log);
        assertTrue(output.contains(" passed, 0 failed"), output);
    }
}
