package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How long a starting node waits for the other members to answer before it founds the group on its own. */
class JoinTimeoutTest {

    private static Settings settings(String members, String profile) throws InvalidConfigurationException {
        return SettingsValidator.validate(TestConfig.defaults().with(".cluster.secret", "s3cret-for-tests-9Qv2Lx7Rz4Kw")
                .with("internal.address", "127.0.0.1").with("members", members).with("profile", profile).build());
    }

    @Test
    void aNodeAloneInItsMemberListDoesNotWaitForAnswersNobodyCanGive() throws Exception {
        assertEquals(JGroupsMembership.LONE_JOIN_TIMEOUT_MS,
                JGroupsMembership.joinTimeoutMs(settings("127.0.0.1", "default")));
        assertEquals(JGroupsMembership.LONE_JOIN_TIMEOUT_MS,
                JGroupsMembership.joinTimeoutMs(settings("127.0.0.1", "fast")));
    }

    @Test
    void aNodeWithPeersWaitsItsProfilesJoinTimeoutForThem() throws Exception {
        assertEquals(2000, JGroupsMembership.joinTimeoutMs(settings("127.0.0.1,127.0.0.2,127.0.0.3", "default")));
        assertEquals(500, JGroupsMembership.joinTimeoutMs(settings("127.0.0.1,127.0.0.2,127.0.0.3", "fast")));
    }
}
