package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.Test;

class ElectorateTest {

    private static final long MS = 1_000_000L;
    private final Fakes.DirectPublisher publisher = new Fakes.DirectPublisher();
    private final List<GuardianEvent> published = publisher.listener.events;
    private final Settings settings = TestConfig.memberOfThreeFast(1);
    private final PeerTracker peers = new PeerTracker(settings.internalAddress(), settings.members(), 1, 750 * MS);
    private final Electorate electorate = electorate();


    private Electorate electorate() {
        Agreement agreement = new Agreement(settings.internalAddress(), "n1", 1, new Fakes.MemoryBallotBox(), 2, false,
                true, 150 * MS, 300 * MS, 50 * MS, 0, 1, 0);
        Notices notices = new Notices("n1", new Journal(10), publisher, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), () -> 1);
        return new Electorate(() -> settings, peers, agreement, new WitnessWatch(300 * MS, 3000 * MS), notices,
                a -> false, 300 * MS, 150 * MS);
    }

    @Test
    void aMemberAloneOfThreeHasNoQuorumAndSaysSoOnceSettled() {
        assertEquals(QuorumState.LOST, electorate.quorum(0));
        assertFalse(electorate.show(QuorumState.LOST, false), "not before it settled");
        assertEquals(QuorumState.UNKNOWN, electorate.shown());
        assertTrue(electorate.show(QuorumState.LOST, true));
        assertFalse(electorate.show(QuorumState.LOST, true), "shown once");
        assertTrue(electorate.show(QuorumState.QUORATE, true));
        assertEquals(List.of(EventType.QUORUM_LOST, EventType.QUORUM_REGAINED),
                published.stream().map(GuardianEvent::type).toList());
    }

    @Test
    void aStartingNodeSettlesAfterTheGraceAndNotWhileItDistrustsWhatItHears() {
        long grace = settings.startupGraceMs() * MS;
        assertFalse(electorate.settled(grace - 1, Long.MIN_VALUE, 0));
        assertFalse(electorate.settled(grace, grace + 1, 0), "after a pause");
        assertTrue(electorate.settled(grace, Long.MIN_VALUE, 0));
        peers.onView(Set.of(settings.internalAddress(), SimCluster.ip("10.0.0.2")), grace);
        assertFalse(electorate.settled(grace + 1, Long.MIN_VALUE, 0), "a member in view without a state yet");
    }

    @Test
    void aNodeSeesItself() {
        MemberState me = new MemberState("n1", settings.internalAddress(), 100, true, Role.BACKUP, 0, false, "", false);
        assertEquals(List.of(me), electorate.visible(me, 0));
        assertEquals(List.of(me), electorate.withoutMastersLapsingSoon(List.of(me), 0));
    }
}
