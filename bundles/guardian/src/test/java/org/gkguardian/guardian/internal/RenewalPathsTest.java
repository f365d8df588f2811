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

    @TempDir
    Path dir;

    @Test
    void atRestNoRenewalAndNoAnswerTravelsOnTheChannel() throws Exception {
        SimCluster sim = SimCluster.threeSettled(dir);
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
        assertKeepsTheLeaseOnTheChannel(true, false);
    }

    @Test
    void aVoterThatGetsNoDatagramsIsAskedAndAnswersOnTheChannel() throws Exception {
        assertKeepsTheLeaseOnTheChannel(false, true);
    }

    @Test
    void withDatagramsFilteredBothWaysTheLeaseLivesOnTheChannel() throws Exception {
        assertKeepsTheLeaseOnTheChannel(true, true);
    }

    @Test
    void whenTheDatagramsComeBackTheChannelFallsSilentAgain() throws Exception {
        SimCluster sim = SimCluster.threeSettled(dir);
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

    /** n2 down, n1's datagrams filtered as given: n3 keeps its lease on n1's answers, on the channel. */
    private void assertKeepsTheLeaseOnTheChannel(boolean outFiltered, boolean inFiltered) throws Exception {
        SimCluster sim = SimCluster.threeSettled(dir);
        sim.crash("n2");
        SimCluster.Node voter = sim.node("n1");
        voter.datagramsOutFiltered = outFiltered;
        voter.datagramsInFiltered = inFiltered;
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
