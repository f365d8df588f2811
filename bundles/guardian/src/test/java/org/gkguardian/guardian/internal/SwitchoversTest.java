package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.Test;

class SwitchoversTest {

    private static final long MS = 1_000_000L;
    private final Fakes.DirectPublisher publisher = new Fakes.DirectPublisher();
    private final List<GuardianEvent> published = publisher.listener.events;
    private final Journal journal = new Journal(10);
    private final Notices notices = new Notices("n1", journal, publisher, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), () -> 3);
    private final List<Wire.Message> sent = new ArrayList<>();
    private final Outbox outbox = new Outbox(new Membership() {
        @Override
        public void send(byte[] payload) {
            sent.add(Wire.decode(payload, 0, payload.length));
        }

        @Override
        public void close() {
        }
    }, new PeerTracker(SimCluster.ip("10.0.0.1"), List.of(SimCluster.ip("10.0.0.1")), 1, 1), () -> 0, 1, 1, 1,
            new DatagramAnswers(1));
    private final Switchovers switchovers = new Switchovers("n1", 6500 * MS, notices, outbox);

    private static PeerTracker.Peer peer(String name, String address, String holds) {
        MemberState m = new MemberState(name, SimCluster.ip(address), 100, true, Role.BACKUP, 3, false, "", false);
        return new PeerTracker.Peer(m, GatekeeperState.RUNNING, "n3", holds);
    }

    @Test
    void aSwitchoverIsElectedOnlyWhileItsTargetHoldsIt() {
        switchovers.requested(new Wire.SwitchoverRequest("n2", "n3", 3), 3, 0);
        assertEquals("n2", switchovers.shown());
        assertTrue(switchovers.inForce(List.of(peer("n2", "10.0.0.2", ""))).isEmpty(), "n2 never got it");
        assertEquals(Optional.of("n2"), switchovers.inForce(List.of(peer("n2", "10.0.0.2", "n2")))
                .map(Switchovers.Pending::target));
        assertTrue(switchovers.inForce(List.of()).isEmpty(), "n2 not heard");
    }

    @Test
    void aTargetHoldsItsOwnSwitchoverAndARequestOfAnotherEpochIsIgnored() {
        switchovers.requested(new Wire.SwitchoverRequest("n1", "n3", 2), 3, 0);
        assertEquals("", switchovers.shown());
        switchovers.requested(new Wire.SwitchoverRequest("n1", "n3", 3), 3, 0);
        assertTrue(switchovers.toMe());
        assertTrue(switchovers.inForce(List.of()).isPresent());
    }

    @Test
    void aSwitchoverEndsWithItsEpochAndANewMasterOfItsTargetIsStillItsResult() {
        switchovers.requestedHere("n2", 3, 0);
        switchovers.markPrepared();
        assertFalse(switchovers.endedBefore(3, "n3"));
        assertTrue(switchovers.endedBefore(4, "n3"));
        assertTrue(switchovers.drop(), "a gatekeeper made ready for it goes back");
        assertEquals("", switchovers.shown());
        assertEquals(Optional.of("n2"), switchovers.targetOfMasterChange());
        switchovers.newMasterSeen();
        assertEquals(Optional.empty(), switchovers.targetOfMasterChange());
    }

    @Test
    void onlyTheOperatorsOwnRequestIsCancelledHereAndACancelMustMatchTheRequest() {
        switchovers.requested(new Wire.SwitchoverRequest("n2", "n3", 3), 3, 0);
        assertTrue(switchovers.cancelHere(Optional.empty(), 3).isEmpty(), "asked on n3, not here");
        assertFalse(switchovers.cancels(new Wire.SwitchoverCancel("n2", "n1", 3), 3));
        assertFalse(switchovers.cancels(new Wire.SwitchoverCancel("n2", "n3", 2), 3));
        assertTrue(switchovers.cancels(new Wire.SwitchoverCancel("n2", "n3", 3), 3));
        switchovers.drop();
        switchovers.requestedHere("n2", 3, 0);
        assertTrue(switchovers.cancelHere(Optional.of("n3"), 3).isEmpty(), "another target");
        assertEquals(new Wire.SwitchoverCancel("n2", "n1", 3), switchovers.cancelHere(Optional.of(" n2 "), 3)
                .orElseThrow());
    }

    @Test
    void theOperatorsRequestGoesToTheOthersOnlyWhenThisPartitionIsQuorateAndTheTargetEligible() {
        List<MemberState> visible = List.of(peer("n1", "10.0.0.1", "").state(), peer("n2", "10.0.0.2", "").state());
        var rule = new org.gkguardian.election.internal.PatentElectionRule();
        List<InetAddress> configured = List.of(SimCluster.ip("10.0.0.1"), SimCluster.ip("10.0.0.2"));
        assertEquals(OperatorResult.Outcome.REFUSED, switchovers.requestHere(Optional.of("n2"),
                QuorumState.LOST, visible, rule, configured, visible, 3, 0).outcome());
        assertEquals(OperatorResult.Outcome.UNKNOWN_TARGET, switchovers.requestHere(Optional.of("n9"),
                QuorumState.QUORATE, visible, rule, configured, visible, 3, 0).outcome());
        assertEquals(List.of(), sent);
        assertEquals(OperatorResult.Outcome.ACCEPTED, switchovers.requestHere(Optional.of("n2"),
                QuorumState.QUORATE, visible, rule, configured, visible, 3, 0).outcome());
        assertEquals(List.of(new Wire.SwitchoverRequest("n2", "n1", 3)), sent);
        assertEquals("n2", switchovers.shown());
    }

    @Test
    void anExpiredSwitchoverRaisesTheAlarmWhereItWasAsked() {
        switchovers.requestedHere("n2", 3, 0);
        assertFalse(switchovers.expired(6500 * MS));
        assertTrue(switchovers.expired(6501 * MS));
        assertEquals(List.of(EventType.SWITCHOVER_FAILED), published.stream().map(GuardianEvent::type).toList());
        assertEquals("n2", published.get(0).details().get(GuardianEvent.MEMBER));
    }

    @Test
    void aHandOverCountsOnceWithinThePromiseAndOnlyWhileTheResignerIsHeard() {
        InetAddress n3 = SimCluster.ip("10.0.0.3");
        switchovers.handedOver(3, n3, 0);
        assertTrue(switchovers.handedOverIn(3));
        assertFalse(switchovers.takeHandOver(3, 4, 100 * MS, 300 * MS, a -> false), "resigner out of sight");
        switchovers.handedOver(3, n3, 0);
        assertFalse(switchovers.takeHandOver(3, 4, 301 * MS, 300 * MS, a -> true), "too long ago");
        switchovers.handedOver(3, n3, 0);
        assertTrue(switchovers.takeHandOver(3, 4, 300 * MS, 300 * MS, n3::equals));
        assertFalse(switchovers.takeHandOver(3, 4, 300 * MS, 300 * MS, n3::equals), "used up");
    }
}
