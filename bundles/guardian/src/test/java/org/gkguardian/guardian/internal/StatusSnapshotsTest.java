package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.Test;

class StatusSnapshotsTest {

    private final Settings settings = TestConfig.memberOfThreeFast(2);
    private final PeerTracker peers = new PeerTracker(settings.internalAddress(), settings.members(), 1, 750_000_000L);
    private final StatusSnapshots snapshots = new StatusSnapshots(() -> settings, peers,
            new Fakes.Vip(new Fakes.Ops(), "n2"), new Journal(settings.historySize()),
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));


    private StatusSnapshots.Self self(Role role, String follows) {
        MemberState state = new MemberState("n2", settings.internalAddress(), 100, true, role, 7, false, "d", false);
        return new StatusSnapshots.Self(role, Instant.EPOCH, 7, follows, QuorumState.QUORATE,
                role == Role.MASTER ? Duration.ofMillis(120) : Duration.ZERO, GatekeeperState.RUNNING, "d", "", state);
    }

    @Test
    void aMastersStatusNamesItselfWithItsLeaseAndTheTableListsTheConfiguredMembersInOrder() {
        snapshots.refresh(self(Role.MASTER, "n2"), 0);
        NodeStatus s = snapshots.status();
        assertEquals(Role.MASTER, s.role());
        assertEquals(Optional.of("n2"), s.master());
        assertEquals(Optional.of(settings.internalAddress()), s.masterAddress());
        assertEquals(Duration.ofMillis(120), s.lease());
        List<MemberStatus> rows = snapshots.members();
        assertEquals(List.of(1, 2, 3), rows.stream().map(MemberStatus::index).toList());
        assertTrue(rows.get(1).reachable(), "this node itself");
        assertEquals(Optional.of(Role.MASTER), rows.get(1).state().map(MemberState::role));
        assertFalse(rows.get(0).reachable(), "a member never heard");
        assertEquals(GatekeeperState.UNKNOWN, rows.get(0).gatekeeper());
    }

    @Test
    void aBackupFollowingNobodyShowsNoMasterAndTheStatusIsRebuiltOnlyWhenMarkedOrOld() {
        snapshots.initial(self(Role.BACKUP, ""));
        assertEquals(Optional.empty(), snapshots.status().master());
        assertEquals(Optional.empty(), snapshots.status().masterAddress());
        assertEquals(List.of(), snapshots.members(), "no member table before the start");
        assertFalse(snapshots.changed());
        snapshots.markChanged();
        assertTrue(snapshots.changed());
        snapshots.refresh(self(Role.BACKUP, ""), 1_000);
        assertFalse(snapshots.changed());
        assertFalse(snapshots.olderThan(100_000_000L, 50_000_000L));
        assertTrue(snapshots.olderThan(100_000_000L, 100_001_000L));
    }
}
