package org.gkguardian.lifecycle.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A gatekeeper run as a systemd unit through {@code systemctl}. Its GKG_* variables are set in the
 * service manager's environment before the start, which the unit inherits.
 */
final class SystemdDriver implements GatekeeperDriver {

    private final Settings settings;
    private final CommandRunner runner;
    private final Probe protocolProbe;

    SystemdDriver(Settings settings, CommandRunner runner, Probe protocolProbe) {
        this.settings = settings;
        this.runner = runner;
        this.protocolProbe = protocolProbe;
    }

    private List<String> systemctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(settings.systemctl().toString());
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void start(Map<String, String> environment) throws DriverException {
        if (!environment.isEmpty()) {
            List<String> setEnv = systemctl("set-environment");
            new TreeMap<>(environment).forEach((k, v) -> setEnv.add(k + "=" + v));
            runner.runOrThrow("systemctl.path", setEnv, Map.of(), settings.startTimeout());
        }
        runner.runOrThrow("systemd.unit", systemctl("start", settings.systemdUnit()), Map.of(), settings.startTimeout());
    }

    @Override
    public void stop() throws DriverException {
        runner.runOrThrow("systemd.unit", systemctl("stop", settings.systemdUnit()), Map.of(), settings.stopTimeout());
    }

    @Override
    public void reload(Map<String, String> environment) throws DriverException {
        runner.runOrThrow("systemd.unit", systemctl("reload-or-restart", settings.systemdUnit()), Map.of(),
                settings.reloadTimeout());
    }

    @Override
    public ProbeResult probe() {
        try {
            CommandRunner.Outcome active = runner.run("systemd.unit",
                    systemctl("is-active", "--quiet", settings.systemdUnit()), Map.of(), settings.probeTimeout());
            if (!active.succeeded()) {
                return ProbeResult.gone("unit " + settings.systemdUnit() + " is not active");
            }
        } catch (DriverException e) {
            return ProbeResult.failed(e.getMessage());
        }
        return protocolProbe.check();
    }
}
