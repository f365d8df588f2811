package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: "a host without the secret can [not] cause a role change". The life line (port + 2, plain TCP) ends when a
 * member's process dies, but a host on the LAN that saw its handshake can end it too, with one forged RST or FIN per
 * backup. Before the life check (written as a reproducer by the trust review): n2 was elected within 50 ms and n3
 * stepped down. Now the end of the line only makes the backups ask the member over the authenticated channel; a live
 * master answers, and nothing changes.
 */
class LifeLineForgeryTest {

    @TempDir
    Path dir;

    @Test
    void aForgedEndOfTheLifeLinesToALiveMasterChangesNoRole() throws Exception {
        SimCluster sim = SimCluster.threeSettled(dir);
        long epoch = sim.node("n1").machine.status().epoch();
        // The forged segments: each backup's life line to n3 ends; n3's process is alive.
        for (String backup : List.of("n1", "n2")) {
            sim.node(backup).machine.onCrash(SimCluster.ip("10.0.0.3"));
        }
        sim.flush();
        int bothHeld = 0;
        for (int t = 0; t < 60; t++) {
            sim.advance(50);
            if (sim.vipHolders().size() > 1) {
                bothHeld++;
            }
        }
        assertEquals(0, bothHeld, "50 ms steps in which two nodes held the VIP");
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(epoch, sim.node("n1").machine.status().epoch());
    }
}
