package org.gkguardian.lifecycle.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A validated lifecycle configuration; built only by {@link SettingsValidator}. */
record Settings(DriverType driver, Standby standby, String nodeName, List<String> startCommand,
        List<String> stopCommand, List<String> reloadCommand, String systemdUnit, Path systemctl,
        Optional<Path> workingDirectory, String logPrefix, Duration startTimeout, Duration stopTimeout,
        Duration reloadTimeout, Duration readyTimeout, ProbeType probeType, Optional<InetSocketAddress> probeAddress,
        List<String> probeCommand, Duration probeInterval, Duration probeTimeout, int failureThreshold,
        int recoveryThreshold, int restartAttempts, Duration restartBackoffInitial, Duration restartBackoffMax,
        boolean mirrorEnabled, List<Path> mirrorPaths, List<Path> mirrorAllowedDirs, boolean mirrorOverwriteLocal,
        long mirrorMaxBytes, Duration digestInterval) {

    enum DriverType { NONE, COMMAND, SYSTEMD, FOREGROUND }

    enum Standby { COLD, WARM }

    enum ProbeType { SIP_OPTIONS, TCP, COMMAND, NONE }

    boolean managed() {
        return driver != DriverType.NONE;
    }

    /** The same driver and probe: a change elsewhere (mirroring, thresholds) needs no restart. */
    boolean sameGatekeeper(Settings other) {
        return other != null && driver == other.driver && standby == other.standby && startCommand.equals(other.startCommand)
                && stopCommand.equals(other.stopCommand) && reloadCommand.equals(other.reloadCommand)
                && systemdUnit.equals(other.systemdUnit) && systemctl.equals(other.systemctl)
                && workingDirectory.equals(other.workingDirectory) && nodeName.equals(other.nodeName)
                && logPrefix.equals(other.logPrefix) && startTimeout.equals(other.startTimeout)
                && stopTimeout.equals(other.stopTimeout) && reloadTimeout.equals(other.reloadTimeout)
                && probeType == other.probeType && probeAddress.equals(other.probeAddress)
                && probeCommand.equals(other.probeCommand) && probeTimeout.equals(other.probeTimeout);
    }

    /** The probe as configured, for error messages. */
    String probeDescription() {
        return switch (probeType) {
            case SIP_OPTIONS, TCP -> "probe.type=" + probeType.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    + " probe.address=" + probeAddress.map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).orElse("");
            case COMMAND -> "probe.type=command probe.command=" + probeCommand;
            case NONE -> "probe.type=none";
        };
    }
}
