package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettingsValidatorTest {

    private static final String SECRET = "0dqO0Vp6Zyq3vNfPzQJ2hQ2Q1kWc7rRrR8W5mM3b9xM=";

    @Test
    void theShippedDefaultsAreALoneLoopbackNodeWithADrawnSecret() throws Exception {
        Settings s = SettingsValidator.validate(TestConfig.defaults().build());
        assertEquals("node-127.0.0.1", s.nodeName());
        assertEquals(1, s.members().size());
        assertEquals(QuorumPolicy.MAJORITY, s.quorumPolicy());
        assertTrue(s.secretGenerated());
        assertEquals(new Timings(1000, 5000, 1500, 1500, 3000), s.timings());
        assertFalse(s.toString().contains(s.secret()), "the secret never reaches a log line");
    }

    @Test
    void theFastProfileCanBeTunedKeyByKey() throws Exception {
        Settings s = SettingsValidator.validate(TestConfig.defaults().with("profile", "fast")
                .with("verify.timeout.ms", 300L).build());
        assertEquals(new Timings(100, 500, 300, 100, 250), s.timings());
    }

    @Test
    void aFailureTimeoutSetHereGivesALeaseOfThirtyPercentAndAPromiseThatCoversTheLauncher() throws Exception {
        Settings s = SettingsValidator.validate(TestConfig.defaults().with("profile", "fast")
                .with("failure.timeout.ms", 1000L).build());
        assertEquals(new Timings(100, 1000, 250, 300, 600), s.timings());
        Settings shortLease = SettingsValidator.validate(TestConfig.defaults().with("profile", "fast")
                .with("lease.ms", 80L).build());
        assertEquals(80 + 150, shortLease.timings().promiseMs(), "the launcher's 100 ms watchdog and 50 ms release");
        assertEquals(100, shortLease.timings().watchdogLimitMs());
    }

    @Test
    void aPairWithAWitnessUsesIt() throws Exception {
        Settings s = SettingsValidator.validate(TestConfig.defaults().with("internal.address", "198.51.100.11")
                .with("members", "198.51.100.11 198.51.100.12").with("cluster.secret", SECRET)
                .with("witness.address", "198.51.100.1").build());
        assertEquals(QuorumPolicy.WITNESS, s.quorumPolicy());
        assertEquals(2, s.quorumSize());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "internal.address | db.example.org | internal.address",
        "internal.address | 300.1.1.1 | internal.address",
        "internal.address | 0.0.0.0 | internal.address",
        "internal.address | 127.000.000.001 | internal.address",
        "internal.address | ::ffff:127.0.0.1 | internal.address",
        "internal.address | fe80::1%lo | internal.address",
        "members | 127.0.0.1 010.0.0.1 | members",
        "witness.address | 010.0.0.1 | witness.address",
        "members | 127.0.0.2 | members",
        "members | 127.0.0.1,127.0.0.1 | members",
        "node.name | two words | node.name",
        "port | 65535 | port",
        "priority | 256 | priority",
        "quorum.policy | most | quorum.policy",
        "quorum.policy | witness | witness.address",
        "profile | turbo | profile",
        "heartbeat.interval.ms | 10 | heartbeat.interval.ms",
        "failure.timeout.ms | 1500 | failure.timeout.ms",
        "lease.ms | 6000 | lease.ms",
        "lease.ms | 50 | lease.ms",
        "promise.ms | 1600 | promise.ms",
        "preempt.delay.ms | -1 | preempt.delay.ms",
        "history.size | 0 | history.size",
        "cluster.secret | short | cluster.secret",
        ".cluster.secret | short | .cluster.secret",
        ".cluster.secret | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | .cluster.secret",
        ".cluster.secret | correcthorsebatterystaple | .cluster.secret",
    })
    void aBadValueIsRefusedNamingItsKey(String key, String value, String named) {
        TestConfig c = TestConfig.defaults();
        Object typed = switch (key) {
            case "port", "priority", "history.size" -> Integer.parseInt(value);
            case "heartbeat.interval.ms", "failure.timeout.ms", "lease.ms", "promise.ms", "preempt.delay.ms" -> Long.parseLong(value);
            default -> value;
        };
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SettingsValidator.validate(c.with(key, typed).build()));
        assertEquals(named, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith(named + ": "), e.getMessage());
    }

    @Test
    void aClusterWithoutASecretRefusesToStart() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SettingsValidator.validate(TestConfig.defaults().with("members", "127.0.0.1,127.0.0.2").build()));
        assertEquals(".cluster.secret", e.key());
        assertTrue(e.getMessage().contains("required"), e.getMessage());
    }

    @Test
    void aLoneNodeOnARealAddressNeedsASecretToo() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SettingsValidator.validate(TestConfig.defaults().with("internal.address", "198.51.100.11")
                        .with("members", "198.51.100.11").build()));
        assertEquals(".cluster.secret", e.key());
    }

    @Test
    void aPairWithoutWitnessMustChooseItsPolicy() throws Exception {
        TestConfig pair = TestConfig.defaults().with("members", "127.0.0.1,127.0.0.2").with("cluster.secret", SECRET);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SettingsValidator.validate(pair.build()));
        assertEquals("quorum.policy", e.key());
        assertEquals(QuorumPolicy.NONE, SettingsValidator.validate(pair.with("quorum.policy", "none").build())
                .quorumPolicy());
    }

    @Test
    void ipv6AddressesAreAccepted() throws Exception {
        Settings s = SettingsValidator.validate(TestConfig.defaults().with("internal.address", "::1")
                .with("members", "::1").build());
        assertTrue(s.internalAddress().isLoopbackAddress());
    }

    @Test
    void aSecretMustScore128BitsByLengthAndCharacterClasses() throws Exception {
        // 32 random bytes in base64, as README and the shipped cfg say: ~290 bits.
        assertTrue(SettingsValidator.secretBits(SECRET) > 250, "" + SettingsValidator.secretBits(SECRET));
        // 16 random bytes in hex (digits and a-f count as 36 symbols): ~165 bits.
        assertTrue(SettingsValidator.secretBits("9f86d081884c7d659a2feaa0c55ad015") >= 128);
        // Letters only, 20 of them: ~94 bits.
        assertTrue(SettingsValidator.secretBits("GKguardianSecretPass") < 128);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SettingsValidator.validate(TestConfig.defaults().with("members", "127.0.0.1,127.0.0.2")
                        .with("quorum.policy", "none").with(".cluster.secret", "GKguardianSecretPass").build()));
        assertTrue(e.getMessage().contains("head -c 32 /dev/urandom | base64"), e.getMessage());
        assertFalse(e.getMessage().contains("GKguardianSecretPass"), "the refusal does not repeat the secret");
    }

    @Test
    void theDottedKeyIsTheSecretAndTheOldSpellingStillWorks() throws Exception {
        TestConfig pair = TestConfig.defaults().with("members", "127.0.0.1,127.0.0.2").with("quorum.policy", "none");
        assertEquals(SECRET, SettingsValidator.validate(pair.with(".cluster.secret", SECRET).build()).secret());
        TestConfig old = TestConfig.defaults().with("members", "127.0.0.1,127.0.0.2").with("quorum.policy", "none");
        assertEquals(SECRET, SettingsValidator.validate(old.with("cluster.secret", SECRET).build()).secret());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SettingsValidator.validate(old.with(".cluster.secret", SECRET + "x").build()));
        assertEquals("cluster.secret", e.key());
    }
}
