package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which configuration changes a running guardian takes live, and which raw values it refuses. */
class LiveConfigurationTest {

    private static Settings settings(TestConfig config) throws InvalidConfigurationException {
        return SettingsValidator.validate(config.build());
    }

    private static TestConfig base() {
        return TestConfig.defaults().with(".cluster.secret", "s3cret-for-tests-9Qv2Lx7Rz4Kw");
    }

    @Test
    void priorityPreemptionAndHistoryChangeLiveWithoutANewMembership() throws Exception {
        Settings running = settings(base());
        Settings changed = settings(base().with("priority", 150).with("preempt", true).with("history.size", 10));

        assertTrue(GuardianComponent.sameMembership(running, changed));
    }

    @Test
    void membersPortAndTimingsNeedANewMembership() throws Exception {
        Settings running = settings(base());

        assertFalse(GuardianComponent.sameMembership(running, settings(base().with("port", 7900))));
        assertFalse(GuardianComponent.sameMembership(running, settings(base().with("members", "127.0.0.1,127.0.0.2,127.0.0.3"))));
        assertFalse(GuardianComponent.sameMembership(running, settings(base().with("profile", "fast"))));
    }

    @Test
    void aNumberThatIsNotANumberIsRefusedNamingTheKeyAndValue() {
        assertEquals(Optional.of("priority: 'abc' is not a whole number"),
                GuardianComponent.rawProblem(Map.of("priority", "abc")));
        assertEquals(Optional.of("preempt: 'maybe' is not true or false"),
                GuardianComponent.rawProblem(Map.of("preempt", "maybe")));
    }

    @Test
    void everyBadValueIsNamedAndANumberOutsideItsTypeIsRefused() {
        assertEquals(Optional.of("port: '4294967297' is not a whole number from -2147483648 to 2147483647; "
                + "preempt: 'ture' is not true or false"),
                GuardianComponent.rawProblem(Map.of("preempt", "ture", "port", "4294967297")));
    }

    @Test
    void aNodeActivatedWithATypoStaysOutOfTheElectionAndBindsNothing() throws Exception {
        Fakes.Ops ops = new Fakes.Ops();
        Fakes.Vip vip = new Fakes.Vip(ops, "n1");
        GuardianComponent guardian = new GuardianComponent(new org.gkguardian.election.internal.PatentElectionRule(), new Fakes.Gatekeeper(ops, "n1"),
                vip, null, base().with("preempt", true).build(), Map.of("preempt", "ture"));
        try {
            // No cluster was created (creating one is synchronous), so there is nothing to wait for.
            var status = guardian.status();
            assertFalse(status.configured(), status.toString());
            assertTrue(status.problem().contains("preempt: 'ture' is not true or false"), status.problem());
            assertTrue(ops.snapshot().isEmpty(), "nothing was started or bound: " + ops.snapshot());
        } finally {
            guardian.deactivate();
        }
    }

    @Test
    void numbersAndBooleansAsTextOrTypedValuesPass() {
        assertEquals(Optional.empty(), GuardianComponent.rawProblem(Map.of("priority", " 120 ", "preempt", "TRUE",
                "port", 7800, "lease.ms", "0")));
    }
}
