package org.gkguardian.lifecycle.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Healthy when the configured probe command exits 0 within the probe timeout. */
final class CommandProbe implements Probe {

    private final CommandRunner runner;
    private final List<String> command;
    private final Duration timeout;

    CommandProbe(CommandRunner runner, List<String> command, Duration timeout) {
        this.runner = runner;
        this.command = command;
        this.timeout = timeout;
    }

    @Override
    public ProbeResult check() {
        try {
            CommandRunner.Outcome outcome = runner.run("probe.command", command, Map.of(), timeout);
            return outcome.succeeded() ? ProbeResult.ok("probe.command exited 0")
                    : ProbeResult.failed("probe.command exited " + outcome.exitCode() + ": " + outcome.output().strip());
        } catch (DriverException e) {
            return ProbeResult.failed(e.getMessage());
        }
    }
}
