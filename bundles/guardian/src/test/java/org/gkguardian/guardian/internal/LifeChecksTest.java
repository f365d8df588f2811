package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifeChecksTest {

    private static final long MS = 1_000_000L;
    private final InetAddress self = SimCluster.ip("10.0.0.1");
    private final InetAddress n2 = SimCluster.ip("10.0.0.2");
    private final InetAddress n3 = SimCluster.ip("10.0.0.3");
    private final LifeChecks checks = new LifeChecks("n1", self, 42, 50 * MS, a -> a.getHostAddress());

    @Test
    void aMemberThatDoesNotAnswerWithinTheAllowanceIsDeadFromTheEndOfItsLine() {
        Wire.LifeCheck asked = checks.lineEnded(n2, 1000 * MS).orElseThrow();
        assertEquals(n2, asked.to());
        assertEquals(self, asked.from());
        assertTrue(checks.lineEnded(n2, 1010 * MS).isEmpty(), "asked once");
        assertEquals(List.of(), checks.due(1049 * MS));
        assertEquals(List.of(new LifeChecks.Death(n2, 1000 * MS)), checks.due(1050 * MS));
        assertFalse(checks.asking(n2));
        assertEquals(List.of(), checks.due(2000 * MS), "believed once");
    }

    @Test
    void onlyTheAnswerToOurQuestionKeepsAMemberAlive() {
        Wire.LifeCheck toN2 = checks.lineEnded(n2, 0).orElseThrow();
        Wire.LifeCheck toN3 = checks.lineEnded(n3, 0).orElseThrow();
        assertNotEquals(toN2.nonce(), toN3.nonce());
        checks.answered(new Wire.LifeCheckAck(toN2.nonce() + 1, n2, self), 10 * MS);
        checks.answered(new Wire.LifeCheckAck(toN2.nonce(), n2, n3), 10 * MS);
        assertTrue(checks.asking(n2), "a wrong nonce or addressee answers nothing");
        checks.answered(new Wire.LifeCheckAck(toN2.nonce(), n2, self), 20 * MS);
        assertFalse(checks.asking(n2));
        checks.settled(n3);
        assertEquals(List.of(), checks.due(100 * MS));
    }

    @Test
    void aWarningIsDueOncePerMinutePerKey() {
        OncePerMinute once = new OncePerMinute();
        assertTrue(once.due("a", 0));
        assertFalse(once.due("a", 60_000 * MS));
        assertTrue(once.due("b", 1 * MS));
        assertTrue(once.due("a", 60_001 * MS));
    }
}
