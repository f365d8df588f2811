package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: 25 % loss on the master's LAN must not cost it the role. On the channel (TCP) one lost segment stalls the
 * stream for at least 200 ms, longer than the fast lease (150 ms); the renewals and their answers also travel as
 * datagrams, each lost or delivered on its own. Here the master's channel stalls completely and its peers even drop
 * it from their views (as FD_ALL3 does when it hears nothing for 500 ms), while every fourth datagram to or from it
 * is lost: it keeps the lease, the VIP and quorum, and nobody else is elected; a voter that takes its renewals sees
 * quorum too.
 */
class LossyLanTest {

    @TempDir
    Path dir;

    @Test
    void aMasterWhoseChannelStallsUnderLossKeepsItsRoleWhileItsRenewalsGetThroughAsDatagrams() throws Exception {
        SimCluster sim = SimCluster.threeSettled(dir);
        long epoch = sim.node("n3").machine.status().epoch();
        int transitions = sim.node("n3").journal.history().size();

        SimCluster.Node master = sim.node("n3");
        master.channelStalled = true;
        master.loseEveryNthDatagram = 4;
        InetAddress n1 = SimCluster.ip("10.0.0.1");
        InetAddress n2 = SimCluster.ip("10.0.0.2");
        InetAddress n3 = SimCluster.ip("10.0.0.3");
        sim.node("n1").machine.onView(Set.of(n1, n2));
        // Under loss the views shuffle (the bench saw a voter drop the other voter too): n2 keeps only itself.
        sim.node("n2").machine.onView(Set.of(n2));
        master.machine.onView(Set.of(n3));
        int sentBefore = master.datagramsSent;
        sim.advance(5000);

        assertTrue(master.datagramsSent > sentBefore, "the renewals went out as datagrams");
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(List.of("n3"), sim.vipHolders());
        assertEquals(epoch, master.machine.status().epoch());
        assertEquals(transitions, master.journal.history().size(), "no role transition on the master");
        assertEquals(QuorumState.QUORATE, master.machine.status().quorum());
        assertEquals(Role.BACKUP, sim.node("n2").role());
        assertEquals(QuorumState.QUORATE, sim.node("n2").machine.status().quorum(),
                "n2 takes the master's renewals: the two of them are a majority");

        master.loseEveryNthDatagram = 0;
        master.unstall();
        sim.viewsFromLinks();
        sim.advance(1000);
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(epoch, sim.node("n1").machine.status().epoch());
    }

    /** The same cut of the channel with every datagram lost too is a cut: the master lets go, and n2 takes over. */
    @Test
    void withTheDatagramsLostTooTheMasterLetsGoAndTheNextTakesOver() throws Exception {
        SimCluster sim = SimCluster.threeSettled(dir);

        SimCluster.Node master = sim.node("n3");
        master.channelStalled = true;
        master.loseEveryNthDatagram = 1;
        InetAddress n1 = SimCluster.ip("10.0.0.1");
        InetAddress n2 = SimCluster.ip("10.0.0.2");
        sim.node("n1").machine.onView(Set.of(n1, n2));
        sim.node("n2").machine.onView(Set.of(n1, n2));
        master.machine.onView(Set.of(SimCluster.ip("10.0.0.3")));
        sim.advance(3000);

        assertEquals(List.of("n2"), sim.masters());
        assertEquals(List.of("n2"), sim.vipHolders());
    }
}
