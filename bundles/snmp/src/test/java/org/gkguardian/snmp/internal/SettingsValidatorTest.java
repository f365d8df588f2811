package org.gkguardian.snmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsValidatorTest {

    private static TestConfig base() {
        return TestConfig.listening(16199);
    }

    private static List<String> problems(TestConfig config) {
        return SettingsValidator.validate(config).problems();
    }

    private static void assertRefused(TestConfig config, String key) {
        List<String> problems = problems(config);
        assertFalse(problems.isEmpty(), "accepted");
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(key)), key + " not named in " + problems);
    }

    @Test
    void acceptsTheTestConfigurationAndTheShippedDefaults() {
        AgentSettings settings = SettingsValidator.validate(base()).settings().orElseThrow();
        assertEquals(2, settings.users().size());
        assertTrue(settings.user("admin").orElseThrow().write());
        assertFalse(settings.user("viewer").orElseThrow().write());
        TestConfig defaults = new TestConfig(new String[] {"udp:127.0.0.1/1161"}, 0, "", new String[0],
                new String[0], 3, 1500, "", "", "");
        assertTrue(SettingsValidator.validate(defaults).valid(), problems(defaults).toString());
    }

    @Test
    void noCommunityIsShippedSoSnmpV2cIsOffUntilConfigured() throws Exception {
        assertEquals("", SnmpAgentConfig.class.getMethod("_community").getDefaultValue());
        java.util.Properties shipped = new java.util.Properties();
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("src/main/cfg/org.gkguardian.snmp.cfg"))) {
            shipped.load(in);
        }
        assertEquals("", shipped.getProperty(SettingsValidator.COMMUNITY));
        assertTrue(SettingsValidator.validate(base().withCommunity("")).settings().orElseThrow().toString()
                .contains("v2c=off"));
    }

    @Test
    void listenAddressesMustBeLiteralUdpEndpoints() {
        assertRefused(base().withListen(), SettingsValidator.LISTEN);
        assertRefused(base().withListen("udp:localhost/1161"), SettingsValidator.LISTEN);
        assertRefused(base().withListen("tcp:127.0.0.1/1161"), SettingsValidator.LISTEN);
        assertRefused(base().withListen("udp:127.0.0.1/70000"), SettingsValidator.LISTEN);
        assertRefused(base().withListen("udp:300.0.0.1/161"), SettingsValidator.LISTEN);
        assertRefused(base().withListen("udp:127.0.0.01/161"), SettingsValidator.LISTEN);
        assertRefused(base().withListen("udp:[::ffff:127.0.0.1]/161"), SettingsValidator.LISTEN);
        assertRefused(base().withListen("udp:127.0.0.1/161", "udp:127.0.0.1/161"), SettingsValidator.LISTEN);
        AgentSettings v6 = SettingsValidator.validate(base().withListen("udp:[::1]/1161")).settings().orElseThrow();
        assertEquals(1161, v6.listen().get(0).port());
    }

    @Test
    void usersNeedSha2AesStrongPassphrasesAndAnAccess() {
        assertRefused(base().withUsers("admin:SHA:adminAuthPass1:AES:adminPrivPass1:write"), SettingsValidator.USERS);
        assertRefused(base().withUsers("admin:MD5:adminAuthPass1:AES:adminPrivPass1:write"), SettingsValidator.USERS);
        assertRefused(base().withUsers("admin:SHA-256:adminAuthPass1:DES:adminPrivPass1:write"), SettingsValidator.USERS);
        assertRefused(base().withUsers("admin:SHA-256:short:AES:adminPrivPass1:write"), SettingsValidator.USERS);
        assertRefused(base().withUsers("admin:SHA-256:adminAuthPass1:AES:adminPrivPass1:admin"), SettingsValidator.USERS);
        assertRefused(base().withUsers("admin:SHA-256:adminAuthPass1:AES:adminPrivPass1"), SettingsValidator.USERS);
        assertRefused(base().withUsers(TestConfig.WRITER, TestConfig.WRITER), SettingsValidator.USERS);
    }

    @Test
    void targetsNeedAKnownKindAnAddressAndKnownUsers() {
        assertTrue(SettingsValidator.validate(base().withTargets("v2c-trap:127.0.0.1/162:public",
                "v3-inform:::1/162:admin")).valid());
        assertRefused(base().withTargets("v1-trap:127.0.0.1/162:public"), SettingsValidator.TARGETS);
        assertRefused(base().withTargets("v3-trap:127.0.0.1/162:nobody"), SettingsValidator.TARGETS);
        assertRefused(base().withTargets("v2c-inform:nms.example.org/162:public"), SettingsValidator.TARGETS);
        assertRefused(base().withTargets("v2c-trap:127.0.0.1:public"), SettingsValidator.TARGETS);
    }

    @Test
    void aCfgFileMayListSeveralEntriesInOneValue() {
        AgentSettings settings = SettingsValidator.validate(base()
                .withListen("udp:127.0.0.1/1161   udp:[::1]/1161")
                .withUsers(TestConfig.WRITER + " " + TestConfig.READER)
                .withTargets(" v2c-trap:127.0.0.1/162:public\tv3-inform:127.0.0.1/1162:admin ")).settings().orElseThrow();
        assertEquals(2, settings.listen().size());
        assertEquals(2, settings.users().size());
        assertEquals(2, settings.targets().size());
    }

    @Test
    void otherKeysAreRangeChecked() {
        TestConfig c = base();
        assertRefused(new TestConfig(c.listen_addresses(), 70000, c._community(), c._v3_users(), c._notification_targets(),
                c.inform_retries(), c.inform_timeout_ms(), "", "", ""), SettingsValidator.VIP_PORT);
        assertRefused(new TestConfig(c.listen_addresses(), 0, c._community(), c._v3_users(), c._notification_targets(),
                -1, c.inform_timeout_ms(), "", "", ""), SettingsValidator.RETRIES);
        assertRefused(new TestConfig(c.listen_addresses(), 0, c._community(), c._v3_users(), c._notification_targets(),
                1, 10, "", "", ""), SettingsValidator.TIMEOUT);
        assertRefused(new TestConfig(c.listen_addresses(), 0, c._community(), c._v3_users(), c._notification_targets(),
                1, 1000, "8000", "", ""), SettingsValidator.ENGINE_ID);
        assertRefused(new TestConfig(c.listen_addresses(), 0, "has space", c._v3_users(), c._notification_targets(),
                1, 1000, "", "", ""), SettingsValidator.COMMUNITY);
    }

    @Test
    void secretsAppearNeitherInProblemsNorInTheLoggedSettings() {
        String secret = "myVerySecretAuth";
        List<String> refused = problems(base().withUsers("admin:SHA-1:" + secret + ":AES:x:write"));
        assertFalse(refused.toString().contains(secret), refused.toString());
        AgentSettings settings = SettingsValidator.validate(base().withTargets("v2c-trap:127.0.0.1/162:trapSecret1"))
                .settings().orElseThrow();
        String logged = settings.toString();
        for (String s : List.of("s3cret-ro", "adminAuthPass1", "adminPrivPass1", "trapSecret1")) {
            assertFalse(logged.contains(s), s + " in " + logged);
        }
    }
}
