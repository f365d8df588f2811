package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RenewalCopiesTest {

    private static final long MS = 1_000_000L;
    private static final InetAddress MASTER = SimCluster.ip("10.0.0.3");
    private static final InetAddress OTHER_MASTER = SimCluster.ip("10.0.0.2");

    /** A renewal as each path delivers it: decoded on its own, an equal record but not the same one. */
    private static Wire.LeaseRenew copy(long epoch, InetAddress master, long run, long sentNanos) {
        return new Wire.LeaseRenew(epoch, master, run, sentNanos);
    }

    @Test
    void onlyTheFirstCopyOfARenewalReachesTheRoleThread() {
        RenewalCopies copies = new RenewalCopies();
        assertTrue(copies.firstCopy(copy(3, MASTER, 42, 1000 * MS)), "the first datagram");
        assertFalse(copies.firstCopy(copy(3, MASTER, 42, 1000 * MS)), "the second datagram");
        assertFalse(copies.firstCopy(copy(3, MASTER, 42, 1000 * MS)), "the channel's copy");
        assertTrue(copies.firstCopy(copy(3, MASTER, 42, 1025 * MS)), "the next renewal");
        assertFalse(copies.firstCopy(copy(3, MASTER, 42, 1000 * MS)), "a late copy of the one before");
    }

    @Test
    void anotherEpochRunOrMasterIsLeftToTheRoleThread() {
        RenewalCopies copies = new RenewalCopies();
        assertTrue(copies.firstCopy(copy(3, MASTER, 42, 1000 * MS)));
        assertTrue(copies.firstCopy(copy(3, OTHER_MASTER, 7, 10 * MS)), "another master, counted on its own");
        assertTrue(copies.firstCopy(copy(3, MASTER, 43, 5 * MS)), "a restarted master: its clock reads less");
        assertTrue(copies.firstCopy(copy(4, MASTER, 43, 6 * MS)), "the next epoch");
        assertTrue(copies.firstCopy(copy(3, MASTER, 42, 900 * MS)),
                "an older epoch's renewal goes on: the role thread refuses it, and says so");
    }
}
