package org.gkguardian.lifecycle.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs one command (an argument array, never a shell) to completion within a timeout. */
final class CommandRunner {

    private static final int KEPT_OUTPUT = 2000;

    /** What a finished command did. */
    record Outcome(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final Optional<Path> workingDirectory;
    private final List<String> launchPrefix;

    CommandRunner(Optional<Path> workingDirectory) {
        this(workingDirectory, List.of());
    }

    /** @param launchPrefix put before every command ({@link CapabilityDrop}, {@link PriorityReset}) */
    CommandRunner(Optional<Path> workingDirectory, List<String> launchPrefix) {
        this.workingDirectory = workingDirectory;
        this.launchPrefix = List.copyOf(launchPrefix);
    }

    /** The argument array that actually starts {@code command}. */
    List<String> launchable(List<String> command) {
        return CapabilityDrop.wrap(launchPrefix, command);
    }

    /**
     * @param key the configuration key the command comes from, named in every error
     * @throws DriverException when it cannot be started or does not finish in time (it is killed then)
     */
    Outcome run(String key, List<String> command, Map<String, String> environment, Duration timeout)
            throws DriverException {
        ProcessBuilder builder = new ProcessBuilder(launchable(command)).redirectErrorStream(true);
        workingDirectory.ifPresent(dir -> builder.directory(dir.toFile()));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new DriverException(key + ": cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        BoundedDrain drain = new BoundedDrain(process.getInputStream());
        Thread reader = new Thread(drain, "gkg-lifecycle-command-output");
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new DriverException(key + ": " + command.get(0) + " did not finish within " + timeout.toMillis()
                        + " ms; killed");
            }
            reader.join(200);
            return new Outcome(process.exitValue(), drain.text());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DriverException(key + ": interrupted while running " + command.get(0), e);
        } catch (IOException e) {
            throw new DriverException(key + ": " + e.getMessage(), e);
        }
    }

    /** Runs a command that must exit 0. */
    void runOrThrow(String key, List<String> command, Map<String, String> environment, Duration timeout)
            throws DriverException {
        Outcome outcome = run(key, command, environment, timeout);
        if (!outcome.succeeded()) {
            throw new DriverException(key + ": " + command.get(0) + " exited with " + outcome.exitCode()
                    + (outcome.output().isBlank() ? "" : ": " + outcome.output().strip()));
        }
    }

    /** Keeps the first bytes of a command's output and discards the rest, so it can never block. */
    private static final class BoundedDrain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        BoundedDrain(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (kept) {
                        int room = KEPT_OUTPUT - kept.size();
                        if (room > 0) {
                            kept.write(buffer, 0, Math.min(room, n));
                        }
                    }
                }
            } catch (IOException e) {
                // The process ended or was killed; what was read is kept.
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
