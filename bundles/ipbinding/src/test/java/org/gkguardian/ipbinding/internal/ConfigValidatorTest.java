package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.gkguardian.api.VipAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValidatorTest {
    private static final Path DEFAULT_STATE = Path.of("/var/lib/gkg/bound-vips");

    private static VipSettings validate(IpBindingConfig config) throws ConfigException {
        return ConfigValidator.validate(config, DEFAULT_STATE);
    }

    @Test
    void defaultsHaveNoVipAndValidTimings() throws Exception {
        VipSettings settings = validate(Configs.config());
        assertTrue(settings.vips().isEmpty());
        assertEquals(3, settings.garpCount());
        assertEquals(Duration.ofMillis(200), settings.garpInterval());
        assertEquals(Duration.ofSeconds(60), settings.refreshInterval());
        assertTrue(settings.dadEnabled());
        assertEquals(DEFAULT_STATE, settings.stateFile());
        assertEquals("ip", settings.ipCommand());
    }

    @Test
    void parsesIpv4AndIpv6VipsFromOneStringOrSeveral() throws Exception {
        VipSettings settings = validate(Configs.config("vips",
                new String[] {"203.0.113.10/24@eth1, 2001:db8::10/64@eth1", "203.0.113.20/32@bond0.100"}));
        assertEquals(List.of(
                new VipAddress(InetAddress.getByName("203.0.113.10"), 24, "eth1"),
                new VipAddress(InetAddress.getByName("2001:db8::10"), 64, "eth1"),
                new VipAddress(InetAddress.getByName("203.0.113.20"), 32, "bond0.100")), settings.vips());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "203.0.113.10@eth1", "203.0.113.10/24", "203.0.113.10/24eth1", "eth1@203.0.113.10/24",
        "203.0.113.256/24@eth1", "203.0.113/24@eth1", "203.0.113.010/24@eth1", "vip.example.com/24@eth1",
        "203.0.113.10/0@eth1", "203.0.113.10/33@eth1", "203.0.113.10/+24@eth1", "203.0.113.10/x@eth1",
        "2001:db8::10/129@eth1", "2001:db8::zz/64@eth1", "::ffff:203.0.113.10/64@eth1",
        "0.0.0.0/24@eth1", "127.0.0.5/8@lo", "224.0.0.5/24@eth1", "255.255.255.255/32@eth1",
        "169.254.1.1/16@eth1", "::/64@eth1", "::1/128@lo", "fe80::1/64@eth1", "ff02::1/64@eth1",
        "203.0.113.0/24@eth1", "203.0.113.255/24@eth1",
        "203.0.113.10/24@", "203.0.113.10/24@averyveryverylong", "203.0.113.10/24@eth/1",
        "203.0.113.10/24@eth 1", "203.0.113.10/24@.", "203.0.113.10/24@..", "203.0.113.10/24@eth1:0",
        "203.0.113.10/24@-eth1", "203.0.113.10/24@eth\t1"
    })
    void refusesBadVipsNamingKeyAndValue(String vip) {
        ConfigException e = assertThrows(ConfigException.class, () -> validate(Configs.config("vips",
                new String[] {"203.0.113.30/24@eth1", vip})));
        assertTrue(e.getMessage().startsWith("vips = '"), e.getMessage());
        assertTrue(e.getMessage().contains(vip.split("[,\\s]+")[0]), e.getMessage());
    }

    @Test
    void refusesTheSameAddressTwice() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> validate(Configs.config("vips", new String[] {"203.0.113.10/24@eth1,203.0.113.10/32@eth2"})));
        assertTrue(e.getMessage().contains("configured twice"), e.getMessage());
    }

    @Test
    void acceptsHostRoutesAndPointToPointPrefixes() throws Exception {
        assertEquals(2, validate(Configs.config("vips",
                new String[] {"203.0.113.0/31@eth1 203.0.113.255/32@eth2"})).vips().size());
    }

    @Test
    void interfaceNameRulesAreLinuxRules() {
        assertNull(ConfigValidator.interfaceNameProblem("eth1"));
        assertNull(ConfigValidator.interfaceNameProblem("a23456789012345"));
        assertNull(ConfigValidator.interfaceNameProblem("br-lan.10"));
        assertEquals("is longer than 15 characters", ConfigValidator.interfaceNameProblem("a234567890123456"));
        assertEquals("is empty", ConfigValidator.interfaceNameProblem(""));
    }

    @Test
    void refusesOutOfRangeNumbersNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> validate(Configs.config("garp_count", 0)));
        assertEquals("garp.count = '0' refused: must be 1 to 100", e.getMessage());
        e = assertThrows(ConfigException.class, () -> validate(Configs.config("refresh_interval_s", -1)));
        assertTrue(e.getMessage().startsWith("refresh.interval.s = '-1'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> validate(Configs.config("dad_timeout_ms", 19)));
        assertTrue(e.getMessage().startsWith("dad.timeout.ms"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> validate(Configs.config("address_check_interval_s", 0)));
        assertEquals("address.check.interval.s = '0' refused: must be 1 to 3600", e.getMessage());
    }

    @Test
    void refusesCommandsThatCouldBeOptionsOrRelativePaths() {
        assertThrows(ConfigException.class, () -> validate(Configs.config("ip_command", "-ip")));
        assertThrows(ConfigException.class, () -> validate(Configs.config("arping_command", "bin/arping")));
        assertThrows(ConfigException.class, () -> validate(Configs.config("na_command", "na6; rm -rf /")));
    }

    @Test
    void stateFileMustBeAbsolute() throws Exception {
        assertThrows(ConfigException.class, () -> validate(Configs.config("state_file", "data/vips")));
        assertEquals(Path.of("/run/gkg/vips"), validate(Configs.config("state_file", "/run/gkg/vips")).stateFile());
    }

    @Test
    void aTypoInANumberOrABooleanIsRefusedInsteadOfBecomingTheDefault() {
        // What DS hands over for "dad.enabled = ture": the typed value already coerced, the raw text beside it.
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigValidator.validate(
                Configs.config("dad_enabled", false), java.util.Map.of("dad.enabled", "ture"), DEFAULT_STATE));
        assertEquals("dad.enabled = 'ture' refused: it is not true or false", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigValidator.validate(Configs.config(),
                java.util.Map.of("dad.interval.ms", "1O0"), DEFAULT_STATE));
        assertEquals("dad.interval.ms = '1O0' refused: it is not a whole number", e.getMessage());
    }

    @Test
    void rawTextThatIsAValidNumberPasses() throws Exception {
        assertEquals(Duration.ofMillis(150), ConfigValidator.validate(Configs.config("dad_interval_ms", 150),
                java.util.Map.of("dad.interval.ms", " 150 ", "dad.enabled", "TRUE"), DEFAULT_STATE).dadInterval());
    }

    @Test
    void aVipWithALeadingZeroIsRefusedLikeEveryOtherBundleRefusesIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> validate(Configs.config("vips", new String[] {"203.0.113.010/24@eth1"})));
        assertEquals("vips = '203.0.113.010/24@eth1' refused: '203.0.113.010' is not an IP address: '010' has a "
                + "leading zero (octal to some programs, decimal to others)", e.getMessage());
    }
}
