package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.gkguardian.api.OperatorResult.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's second line behind the authenticated LAN: what a member says about epochs is believed only within
 * bounds. A switchover request counts only in the epoch it was asked in (a copy that comes again after the next
 * election moves nothing), and an epoch absurdly far ahead of ours is not adopted (a member with a corrupt epoch file
 * cannot drag the cluster's epoch towards overflow). Each test also shows the same message inside the bounds acting,
 * so that the bound, not something else, is what stops it.
 */
class EpochTrustTest {

    @TempDir
    Path dir;

    private SimCluster three() throws Exception {
        return SimCluster.threeSettled(dir);
    }

    private static long epoch(SimCluster sim, String node) {
        return sim.node(node).machine.status().epoch();
    }

    /** To every member, the target (n3) first, as when the requester's broadcast reaches it before the master. */
    private static void toAll(SimCluster sim, Wire.Message message) {
        for (String n : List.of("n3", "n2", "n1")) {
            sim.inject(n, message);
        }
    }

    @Test
    void aSwitchoverRequestCameAgainAfterTheNextElectionMovesNothing() throws Exception {
        SimCluster sim = three();
        AtomicReference<Wire.SwitchoverRequest> captured = new AtomicReference<>();
        sim.node("n1").rewrite = m -> {
            if (m instanceof Wire.SwitchoverRequest r) {
                captured.set(r);
            }
            return m;
        };
        assertEquals(Outcome.ACCEPTED, sim.node("n1").machine.switchover(Optional.of("n1")).outcome());
        sim.flush();
        sim.advance(500);
        assertEquals(List.of("n1"), sim.masters());
        Wire.SwitchoverRequest old = captured.get();
        assertNotNull(old, "n1 sent its request over the channel");
        assertEquals(1, old.epoch());
        long now = epoch(sim, "n1");
        assertEquals(2, now);

        // The request comes again (asked again by nobody): it was for epoch 1, and epoch 1 is over.
        toAll(sim, new Wire.SwitchoverRequest("n3", old.requestedBy(), old.epoch()));
        sim.advance(1000);
        assertEquals(List.of("n1"), sim.masters());
        assertEquals(now, epoch(sim, "n2"));

        // The same request in the current epoch is acted upon: the epoch is what refused the old one.
        toAll(sim, new Wire.SwitchoverRequest("n3", old.requestedBy(), now));
        sim.advance(1000);
        assertEquals(List.of("n3"), sim.masters());
    }

    @Test
    void anEpochFarAheadOfOursIsNotAdoptedOneWithinReachIs() throws Exception {
        SimCluster sim = three();
        assertEquals(1, epoch(sim, "n1"));
        // n3 (the master) now reports an epoch two million ahead in every state it sends.
        sim.node("n3").rewrite = m -> m instanceof Wire.StateMessage s ? withEpoch(s, 2_000_001) : m;
        sim.advance(1000);
        assertEquals(1, epoch(sim, "n1"));
        assertEquals(1, epoch(sim, "n2"));
        assertEquals(1, new EpochStore(dir.resolve("n1/epoch")).current(), "n1's epoch on disk");
        assertEquals(List.of("n3"), sim.masters());

        sim.node("n3").rewrite = m -> m instanceof Wire.StateMessage s ? withEpoch(s, 6) : m;
        sim.advance(1000);
        // Adopted (the members may then elect once more above it, as they do when a higher epoch appears).
        long adopted = new EpochStore(dir.resolve("n1/epoch")).current();
        assertTrue(adopted >= 6 && adopted < 10, "n1's epoch on disk: " + adopted);
        assertEquals(adopted, epoch(sim, "n1"));
    }

    private static Wire.StateMessage withEpoch(Wire.StateMessage s, long epoch) {
        return new Wire.StateMessage(s.state().withEpoch(epoch), s.gatekeeper(), s.incarnation(), s.sentNanos(),
                s.echoes(), s.master(), s.switchover());
    }
}
