package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;
import org.junit.jupiter.api.Test;

class AlarmsTest {

    private final Settings settings = TestConfig.memberOfThreeFast(2);
    private final Journal journal = new Journal(10);
    private final Notices notices = new Notices("n2", journal, new Publisher() {
        @Override
        public void transition(RoleTransition transition) {
        }

        @Override
        public void event(GuardianEvent event) {
        }
    }, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), () -> 1);
    private final HealthGate health = new HealthGate(settings.internalAddress(), 1, 1);
    private final Alarms alarms = new Alarms(() -> settings, new PeerTracker(settings.internalAddress(),
            settings.members(), 1, 1), notices, health, new Fakes.Vip(new Fakes.Ops(), "n2"));


    private static MemberState member(String name, String address, String digest) {
        return new MemberState(name, SimCluster.ip(address), 100, true, Role.BACKUP, 1, false, digest, false);
    }

    private List<String> alarmIds() {
        return journal.alarms().stream().map(a -> a.id()).sorted().toList();
    }

    @Test
    void ofTwoMembersWithOneNameTheLowerAddressStaysOutUntilTheNamesDiffer() {
        health.gatekeeper(true, "running");
        health.lan(true);
        alarms.checkName(member("n2", "10.0.0.1", ""));
        assertTrue(health.healthy(0), "the higher address keeps the name");
        alarms.checkName(member("n2", "10.0.0.3", ""));
        assertFalse(health.healthy(0));
        assertEquals(List.of("duplicate-name:10.0.0.1", "duplicate-name:10.0.0.3"), alarmIds());
        alarms.checkName(member("n3", "10.0.0.3", ""));
        assertTrue(health.healthy(0));
        assertEquals(List.of("duplicate-name:10.0.0.1"), alarmIds());
    }

    @Test
    void aDifferentGatekeeperConfigurationIsAlarmedUntilItAgreesAndAnUnknownOneIsNot() {
        alarms.checkConfig(member("n1", "10.0.0.1", "abc"), "xyz");
        assertEquals(List.of("config-mismatch:10.0.0.1"), alarmIds());
        alarms.checkConfig(member("n1", "10.0.0.1", ""), "xyz");
        assertEquals(List.of(), alarmIds());
        alarms.checkConfig(member("n1", "10.0.0.1", "xyz"), "xyz");
        assertEquals(List.of(), alarmIds());
    }
}
