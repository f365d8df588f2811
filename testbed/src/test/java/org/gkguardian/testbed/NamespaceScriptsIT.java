package org.gkguardian.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code testbed/tests/*.sh}: each builds its own namespace hosts, checks what a user
 * would check (roles, who answers for the VIP, registrations), removes its hosts and exits non-zero
 * on the first broken expectation. They need root, as the README says.
 */
class NamespaceScriptsIT {

    private static final Path TESTS = Path.of("tests");
    private static final long TIMEOUT_MINUTES = 15;

    @TestFactory
    Stream<DynamicTest> namespaceTests() throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(TESTS)) {
            scripts = files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "no scripts in " + TESTS.toAbsolutePath());
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(),
                () -> run(script)));
    }

    private static void run(Path script) throws Exception {
        Path log = Files.createTempFile("gkg-" + script.getFileName(), ".log");
        Process process = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            // SIGTERM lets the script's EXIT trap remove its namespaces.
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("---- " + script.getFileName() + "\n" + output);
        assertTrue(finished, script + " did not finish within " + TIMEOUT_MINUTES + " minutes");
        assertEquals(0, process.exitValue(), script + " failed:\n" + output);
    }
}
