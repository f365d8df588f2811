package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * A voter frees its promise when the process it promised to is seen to die (its life line ended), after the time the
 * launcher has to release the VIP; but not when the promise was given since to a new process on the same address.
 */
class AgreementDeathTest {

    private static final long MS = 1_000_000L;
    private static final long LEASE = 150 * MS;
    private static final long PROMISE = 300 * MS;
    private static final long ALLOWANCE = 50 * MS;
    private static final InetAddress VOTER = SimCluster.ip("10.0.0.1");
    private static final InetAddress OTHER = SimCluster.ip("10.0.0.2");
    private static final InetAddress MASTER = SimCluster.ip("10.0.0.3");

    private final Agreement voter = new Agreement(VOTER, "n1", 7, new Fakes.MemoryBallotBox(), 2, false, true, LEASE,
            PROMISE, ALLOWANCE, 0, 1, 0);

    @Test
    void theDeathOfTheMasterItBacksFreesTheVoterOnceTheLauncherHadItsTime() {
        assertTrue(voter.onRenew(new Wire.LeaseRenew(1, MASTER, 42, 1000 * MS), 1, 10_000 * MS).isPresent());
        voter.crashed(MASTER, 10_010 * MS);
        assertEquals(10_010 * MS + ALLOWANCE, voter.promiseEnd().getAsLong());
        assertTrue(voter.onRequest(new Wire.VoteRequest(2, "n2", OTHER, 5, 1 * MS), 1, 10_070 * MS).granted());
    }

    @Test
    void theDeathOfAnOldProcessDoesNotFreeAPromiseGivenSinceToItsRestartedSuccessor() {
        // n3, master of epoch 1, is killed: its life line ends at 10,010 ms. It restarts at once and asks for epoch 2
        // before this voter believes the old process dead (the allowance), and gets the vote.
        assertTrue(voter.onRenew(new Wire.LeaseRenew(1, MASTER, 42, 1000 * MS), 1, 10_000 * MS).isPresent());
        assertTrue(voter.onRequest(new Wire.VoteRequest(2, "n3", MASTER, 43, 1 * MS), 1, 10_040 * MS).granted());
        // The old process's death, believed now, must not end what was promised to the new one: it may hold the VIP.
        voter.crashed(MASTER, 10_010 * MS);
        assertEquals(10_040 * MS + PROMISE, voter.promiseEnd().getAsLong());
        assertFalse(voter.onRequest(new Wire.VoteRequest(3, "n2", OTHER, 5, 1 * MS), 2, 10_070 * MS).granted());
    }

    @Test
    void theLaunchersObituaryOfTheRunItBacksFreesTheVoterAtOnce() {
        assertTrue(voter.onRenew(new Wire.LeaseRenew(1, MASTER, 42, 1000 * MS), 1, 10_000 * MS).isPresent());
        assertEquals(1, voter.released(MASTER, 42, 10_020 * MS));
        assertEquals(10_020 * MS, voter.promiseEnd().getAsLong());
        assertTrue(voter.onRequest(new Wire.VoteRequest(2, "n2", OTHER, 5, 1 * MS), 1, 10_020 * MS).granted());
    }

    @Test
    void anObituaryOfAnEarlierRunDoesNotFreeAPromiseGivenToTheMembersNextRun() {
        // n3 (run 42) died and restarted as run 43, which this voter granted epoch 2. A recorded obituary of run 42,
        // sent again, must not end the promise to run 43: that run may hold the VIP.
        assertTrue(voter.onRenew(new Wire.LeaseRenew(1, MASTER, 42, 1000 * MS), 1, 10_000 * MS).isPresent());
        assertTrue(voter.onRequest(new Wire.VoteRequest(2, "n3", MASTER, 43, 1 * MS), 1, 10_040 * MS).granted());
        assertEquals(0, voter.released(MASTER, 42, 10_050 * MS));
        assertEquals(10_040 * MS + PROMISE, voter.promiseEnd().getAsLong());
        assertFalse(voter.onRequest(new Wire.VoteRequest(3, "n2", OTHER, 5, 1 * MS), 2, 10_070 * MS).granted());
    }
}
