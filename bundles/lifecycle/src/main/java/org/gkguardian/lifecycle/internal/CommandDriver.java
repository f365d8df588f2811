package org.gkguardian.lifecycle.internal;

import java.util.Map;

/**
 * A gatekeeper run by its own start and stop commands (an init script, a wrapper): the guardian sees
 * no process, so whether it serves is only known from the protocol probe.
 */
final class CommandDriver implements GatekeeperDriver {

    private final Settings settings;
    private final CommandRunner runner;
    private final Probe protocolProbe;

    CommandDriver(Settings settings, CommandRunner runner, Probe protocolProbe) {
        this.settings = settings;
        this.runner = runner;
        this.protocolProbe = protocolProbe;
    }

    @Override
    public void start(Map<String, String> environment) throws DriverException {
        runner.runOrThrow("start.command", settings.startCommand(), environment, settings.startTimeout());
    }

    @Override
    public void stop() throws DriverException {
        runner.runOrThrow("stop.command", settings.stopCommand(), Map.of(), settings.stopTimeout());
    }

    @Override
    public void reload(Map<String, String> environment) throws DriverException {
        if (settings.reloadCommand().isEmpty()) {
            stop();
            start(environment);
        } else {
            runner.runOrThrow("reload.command", settings.reloadCommand(), environment, settings.reloadTimeout());
        }
    }

    @Override
    public ProbeResult probe() {
        return protocolProbe.check();
    }
}
