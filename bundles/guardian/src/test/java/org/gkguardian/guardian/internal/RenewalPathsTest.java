package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: at rest a renewal and its answer travel as datagrams only; the channel carries a copy only to a member
 * whose datagram answers stopped coming, and that member answers there. Each case keeps one voter down, so that the
 * master's lease rests on the other voter's answers alone: a path that failed to carry them would cost it the role.
 */
class RenewalPathsTest {

    private static final String THREE = "10.0.0.1,10.0.0.2,10.0.0.3";

    @TempDir
    Path dir;

    private SimCluster cluster() throws Exception {
        SimCluster sim = new SimCluster(dir, THREE, c -> c);
        sim.add("n1", "10.0.0.1");
        sim.add("n2", "10.0.0.2");
        sim.add("n3", "10.0.0.3");
        sim.startAll();
        sim.advance(1000);
        assertEquals(List.of("n3"), sim.masters());
        return sim;
    }

    @Test
    void atRestNoRenewalAndNoAnswerTravelsOnTheChannel() throws Exception {
        SimCluster sim = cluster();
        SimCluster.Node master = sim.node("n3");
        int renewalsBefore = sim.node("n1").receivedOnChannel(Wire.LeaseRenew.class)
                + sim.node("n2").receivedOnChannel(Wire.LeaseRenew.class);
        int answersBefore = master.receivedOnChannel(Wire.LeaseAck.class);
        int datagramsBefore = master.datagramsSent;
        sim.advance(5000);

        assertEquals(renewalsBefore, sim.node("n1").receivedOnChannel(Wire.LeaseRenew.class)
                + sim.node("n2").receivedOnChannel(Wire.LeaseRenew.class), "renewals on the channel");
        assertEquals(answersBefore, master.receivedOnChannel(Wire.LeaseAck.class), "answers on the channel");
        assertTrue(master.datagramsSent - datagramsBefore >= 5000 / 25 * 2 * 2,
                "every renewal went to both voters as two datagrams: " + (master.datagramsSent - datagramsBefore));
        assertEquals(List.of("n3"), sim.masters());
    }

    @Test
    void aVoterWhoseDatagramsAreFilteredIsAskedAndAnswersOnTheChannel() throws Exception {
        SimCluster sim = cluster();
        sim.crash("n2");
        SimCluster.Node voter = sim.node("n1");
        voter.datagramsOutFiltered = true;
        assertKeepsTheLeaseOnTheChannel(sim, voter);
    }

    @Test
    void aVoterThatGetsNoDatagramsIsAskedAndAnswersOnTheChannel() throws Exception {
        SimCluster sim = cluster();
        sim.crash("n2");
        SimCluster.Node voter = sim.node("n1");
        voter.datagramsInFiltered = true;
        assertKeepsTheLeaseOnTheChannel(sim, voter);
    }

    @Test
    void withDatagramsFilteredBothWaysTheLeaseLivesOnTheChannel() throws Exception {
        SimCluster sim = cluster();
        sim.crash("n2");
        SimCluster.Node voter = sim.node("n1");
        voter.datagramsInFiltered = true;
        voter.datagramsOutFiltered = true;
        assertKeepsTheLeaseOnTheChannel(sim, voter);
    }

    @Test
    void whenTheDatagramsComeBackTheChannelFallsSilentAgain() throws Exception {
        SimCluster sim = cluster();
        sim.crash("n2");
        SimCluster.Node voter = sim.node("n1");
        voter.datagramsOutFiltered = true;
        sim.advance(1000);
        voter.datagramsOutFiltered = false;
        sim.advance(200);
        int renewals = voter.receivedOnChannel(Wire.LeaseRenew.class);
        int answers = sim.node("n3").receivedOnChannel(Wire.LeaseAck.class);
        assertTrue(renewals > 0 && answers > 0, "the channel carried the lease while the datagrams were filtered");
        sim.advance(3000);
        assertEquals(renewals, voter.receivedOnChannel(Wire.LeaseRenew.class));
        assertEquals(answers, sim.node("n3").receivedOnChannel(Wire.LeaseAck.class));
        assertEquals(List.of("n3"), sim.masters());
    }

    private static void assertKeepsTheLeaseOnTheChannel(SimCluster sim, SimCluster.Node voter) {
        SimCluster.Node master = sim.node("n3");
        long epoch = master.machine.status().epoch();
        int transitions = master.journal.history().size();
        int renewalsBefore = voter.receivedOnChannel(Wire.LeaseRenew.class);
        int answersBefore = master.receivedOnChannel(Wire.LeaseAck.class);
        sim.advance(5000);

        int renewals = voter.receivedOnChannel(Wire.LeaseRenew.class) - renewalsBefore;
        int answers = master.receivedOnChannel(Wire.LeaseAck.class) - answersBefore;
        assertTrue(renewals >= 5000 / 25 - 2, "the renewals went on the channel: " + renewals);
        assertTrue(answers >= renewals - 2, "and were answered there: " + answers + " of " + renewals);
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(List.of("n3"), sim.vipHolders());
        assertEquals(epoch, master.machine.status().epoch());
        assertEquals(transitions, master.journal.history().size(), "no role transition on the master");
    }
}
