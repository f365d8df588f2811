package org.gkguardian.lifecycle.internal;

import static org.gkguardian.lifecycle.internal.TestConfig.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.gkguardian.lifecycle.internal.Settings.DriverType;
import org.gkguardian.lifecycle.internal.Settings.ProbeType;
import org.gkguardian.lifecycle.internal.Settings.Standby;
import org.junit.jupiter.api.Test;

class SettingsValidatorTest {

    @Test
    void theDefaultsManageNothing() {
        SettingsValidator.Result r = SettingsValidator.validate(config().build());
        assertTrue(r.valid(), r.summary());
        assertEquals(DriverType.NONE, r.settings().orElseThrow().driver());
        assertFalse(r.settings().orElseThrow().managed());
    }

    @Test
    void aForegroundKamailioConfiguration() {
        Settings s = SettingsValidator.validate(config().with("driver", "foreground").with("standby", "warm")
                .with("start.command", "/bin/sleep \"10\"").with("probe.address", "127.0.0.1:15060")
                .with("mirror.allowed.dirs", "/etc/kamailio").with("mirror.paths", "/etc/kamailio/kamailio.cfg, /etc/kamailio/db")
                .build()).settings().orElseThrow();
        assertEquals(DriverType.FOREGROUND, s.driver());
        assertEquals(Standby.WARM, s.standby());
        assertEquals(List.of("/bin/sleep", "10"), s.startCommand());
        assertEquals(ProbeType.SIP_OPTIONS, s.probeType());
        assertEquals(new InetSocketAddress("127.0.0.1", 15060), s.probeAddress().orElseThrow());
        assertEquals(List.of(Path.of("/etc/kamailio/kamailio.cfg"), Path.of("/etc/kamailio/db")), s.mirrorPaths());
    }

    @Test
    void aStartCommandThatDoesNotExistIsRefusedNamingTheKey() {
        SettingsValidator.Result r = SettingsValidator.validate(config().with("driver", "foreground")
                .with("start.command", "/usr/sbin/no-such-gatekeeper -f x").with("probe.address", "127.0.0.1:15060").build());
        assertFalse(r.valid());
        assertEquals(List.of("start.command: /usr/sbin/no-such-gatekeeper does not exist"), r.problems());
    }

    @Test
    void aRelativeOrMissingCommandIsRefused() {
        assertEquals(List.of("start.command: 'kamailio' must be an absolute path to the executable",
                "stop.command: required by this driver"),
                SettingsValidator.validate(config().with("driver", "command").with("start.command", "kamailio")
                        .with("probe.address", "127.0.0.1:15060").build()).problems());
    }

    @Test
    void aMirroredPathOutsideTheAllowedDirectoriesIsRefused() {
        SettingsValidator.Result r = SettingsValidator.validate(config().with("mirror.allowed.dirs", "/etc/kamailio")
                .with("mirror.paths", "/etc/kamailio/kamailio.cfg,/etc/passwd,/etc/kamailio/../shadow").build());
        assertEquals(List.of("mirror.paths: /etc/passwd is outside mirror.allowed.dirs [/etc/kamailio]",
                "mirror.paths: /etc/kamailio/../shadow must be an absolute path without '.' or '..'"), r.problems());
        assertEquals(List.of("mirror.allowed.dirs: / must be an absolute, normalized directory other than /",
                "mirror.paths: /etc/x is outside mirror.allowed.dirs []"),
                SettingsValidator.validate(config().with("mirror.allowed.dirs", "/").with("mirror.paths", "/etc/x").build())
                        .problems());
    }

    @Test
    void probeAddressesMustBeLiteralAddressesWithAPort() {
        assertEquals(List.of("probe.address: 'gk.example' is not an IP address: host names are not accepted (no name "
                + "lookups), only IP address literals"), problems("gk.example:5060"));
        assertEquals(List.of("probe.address: '127.0.0.1' is not ADDRESS:PORT: the port is missing"),
                problems("127.0.0.1"));
        assertEquals(List.of("probe.address: '127.0.0.1:70000': port 70000 is not from 1 to 65535"),
                problems("127.0.0.1:70000"));
        assertEquals(List.of("probe.address: '300.1.1.1' is not an IP address: 300 is greater than 255"),
                problems("300.1.1.1:5060"));
        assertEquals(List.of("probe.address: '010.0.0.1' is not an IP address: '010' has a leading zero (octal to "
                + "some programs, decimal to others)"), problems("010.0.0.1:5060"));
        assertEquals(List.of("probe.address: '::1:5060': an IPv6 address with a port goes in brackets, e.g. "
                + "[2001:db8::1]:5060"), problems("::1:5060"));
        assertEquals(List.of("probe.address: required by this probe.type"), problems(""));
        assertEquals(List.of(), problems("[::1]:5060"));
    }

    @Test
    void aTypoInANumberOrABooleanIsRefusedInsteadOfBecomingTheDefault() {
        // DS hands over the coerced values (the default interval, mirror.enabled false) and the raw text beside them.
        SettingsValidator.Result r = SettingsValidator.validate(TestConfig.asScrHandsIt(config()
                .with("driver", "foreground").with("start.command", "/bin/true").with("probe.address", "127.0.0.1:5060")
                .build(), "probe_interval_ms"),
                java.util.Map.of("probe.interval.ms", "1O0", "mirror.enabled", "ture", "failure.threshold", " 3 "));
        assertEquals(List.of("mirror.enabled: 'ture' is not true or false",
                "probe.interval.ms: '1O0' is not a whole number"), r.problems());
        assertTrue(r.settings().isEmpty());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        SettingsValidator.Result r = SettingsValidator.validate(config().with("driver", "daemon").with("standby", "hot")
                .with("failure.threshold", 0).with("probe.timeout.ms", 0L).with("restart.backoff.initial.ms", 5000L)
                .with("restart.backoff.max.ms", 1000L).with("systemd.unit", "x").build());
        assertEquals(List.of("driver: 'daemon' is not one of [none, command, systemd, foreground]",
                "standby: 'hot' is not one of [cold, warm]", "probe.timeout.ms: 0 must be between 1 and 600000",
                "failure.threshold: 0 must be between 1 and 1000",
                "restart.backoff.max.ms: must not be shorter than restart.backoff.initial.ms"), r.problems());
    }

    @Test
    void systemdNeedsAUnitName() {
        assertEquals(List.of("systemd.unit: 'kamailio; reboot' is not a unit name (letters, digits, ':', '_', '.', '@', '-')"),
                SettingsValidator.validate(config().with("driver", "systemd").with("systemd.unit", "kamailio; reboot")
                        .with("systemctl.path", "/bin/true").with("probe.address", "127.0.0.1:5060").build()).problems());
    }

    private static List<String> problems(String probeAddress) {
        return SettingsValidator.validate(config().with("driver", "foreground").with("start.command", "/bin/true")
                .with("probe.address", probeAddress).build()).problems();
    }
}
