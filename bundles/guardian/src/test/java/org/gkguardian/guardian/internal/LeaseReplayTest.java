package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Renewals and their answers travel as datagrams too, which a host on the LAN can record and send again: a replayed
 * renewal must not extend a voter's promise, and a replayed answer must not extend a master's lease.
 */
class LeaseReplayTest {

    private static final long MS = 1_000_000L;
    private static final long LEASE = 150 * MS;
    private static final long PROMISE = 300 * MS;
    private static final InetAddress VOTER = SimCluster.ip("10.0.0.1");
    private static final InetAddress OTHER_VOTER = SimCluster.ip("10.0.0.2");
    private static final InetAddress MASTER = SimCluster.ip("10.0.0.3");
    private static final long MASTER_RUN = 42;

    private static Agreement member(InetAddress self, long incarnation) {
        return new Agreement(self, self.getHostAddress(), incarnation, new Fakes.MemoryBallotBox(), 2, false, true,
                LEASE, PROMISE, 50 * MS, 0, 1, 0);
    }

    @Test
    void aReplayedRenewalIsNotAnsweredAndLeavesThePromiseAsItWas() {
        Agreement voter = member(VOTER, 7);
        Wire.LeaseRenew first = new Wire.LeaseRenew(1, MASTER, MASTER_RUN, 1000 * MS);
        assertTrue(voter.onRenew(first, 1, 10_000 * MS).isPresent());
        long promised = voter.promiseEnd().getAsLong();
        assertEquals(10_000 * MS + PROMISE, promised);

        // The same renewal again (a replay, or its copy on the other path), an older one, one from another run of
        // the master in the same epoch: no answer, and the promise still ends where it did.
        assertEquals(Optional.empty(), voter.onRenew(first, 1, 10_200 * MS));
        assertEquals(Optional.empty(), voter.onRenew(new Wire.LeaseRenew(1, MASTER, MASTER_RUN, 999 * MS), 1,
                10_200 * MS));
        assertEquals(Optional.empty(), voter.onRenew(new Wire.LeaseRenew(1, MASTER, 43, 2000 * MS), 1, 10_200 * MS));
        assertEquals(promised, voter.promiseEnd().getAsLong());
        assertTrue(voter.lapsed(MASTER, promised), "the promise runs out as if the copies had never come");

        // The master's next renewal is answered and promised from its arrival.
        Optional<Wire.LeaseAck> ack = voter.onRenew(new Wire.LeaseRenew(1, MASTER, MASTER_RUN, 1025 * MS), 1,
                10_250 * MS);
        assertTrue(ack.isPresent());
        assertEquals(1025 * MS, ack.get().echoNanos());
        assertEquals(10_250 * MS + PROMISE, voter.promiseEnd().getAsLong());

        // A master elected in a later epoch (restarted: a new run) is answered though its clock reads less.
        assertTrue(voter.onRenew(new Wire.LeaseRenew(2, MASTER, 99, 5 * MS), 2, 10_300 * MS).isPresent());
    }

    @Test
    void aReplayedAnswerGivesTheMasterNoLongerLease() {
        Agreement master = member(MASTER, MASTER_RUN);
        Wire.VoteRequest request = master.campaign(0, 0).orElseThrow();
        master.onReply(new Wire.VoteReply(request.epoch(), MASTER, MASTER_RUN, 0, VOTER, true, request.epoch(), ""));
        assertTrue(master.elected(10 * MS, 0));
        long epoch = master.becomeMaster();

        Wire.LeaseAck older = new Wire.LeaseAck(epoch, MASTER, MASTER_RUN, 100 * MS, VOTER);
        Wire.LeaseAck newer = new Wire.LeaseAck(epoch, MASTER, MASTER_RUN, 125 * MS, VOTER);
        master.onAck(older);
        master.onAck(newer);
        long now = 200 * MS;
        assertEquals(125 * MS + LEASE - now, master.leaseRemaining(now));
        // An answer is bound to the send time of the renewal it answers: a replay echoes an old one, so the lease it
        // could give ends no later than the one already counted.
        master.onAck(older);
        master.onAck(newer);
        assertEquals(125 * MS + LEASE - now, master.leaseRemaining(now));
        // Answers to another run or another master count for nothing.
        master.onAck(new Wire.LeaseAck(epoch, MASTER, MASTER_RUN + 1, 190 * MS, OTHER_VOTER));
        master.onAck(new Wire.LeaseAck(epoch, OTHER_VOTER, MASTER_RUN, 190 * MS, VOTER));
        assertEquals(125 * MS + LEASE - now, master.leaseRemaining(now));
    }
}
