package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.gkguardian.api.ConfigSnapshot;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void statesAndSwitchoversSurviveTheRoundTrip() throws Exception {
        MemberState m = new MemberState("n1", InetAddress.getByName("2001:db8::1"), 7, true, Role.MASTER, 42, false,
                "abc", true);
        Wire.StateMessage s = new Wire.StateMessage(m, GatekeeperState.RUNNING, 5, 99,
                Map.of(InetAddress.getByName("198.51.100.12"), new Wire.Echo(6, 77)), "n1", "n2");
        byte[] bytes = Wire.encode(s);
        assertEquals(s, Wire.decode(bytes, 0, bytes.length));
        Wire.SwitchoverRequest r = new Wire.SwitchoverRequest("n2", "n1", 7);
        byte[] b2 = Wire.encode(r);
        assertEquals(r, Wire.decode(b2, 0, b2.length));
        Wire.SwitchoverCancel c = new Wire.SwitchoverCancel("n2", "n1", 7);
        byte[] b3 = Wire.encode(c);
        assertEquals(c, Wire.decode(b3, 0, b3.length));
        InetAddress n1 = InetAddress.getByName("198.51.100.11");
        InetAddress n3 = InetAddress.getByName("198.51.100.13");
        for (Wire.Message life : List.of(new Wire.LifeCheck(-5, n1, n3), new Wire.LifeCheckAck(-5, n3, n1))) {
            byte[] b4 = Wire.encode(life);
            assertEquals(life, Wire.decode(b4, 0, b4.length));
        }
    }

    @Test
    void malformedInputIsRefused() throws Exception {
        MemberState m = new MemberState("n1", InetAddress.getByName("10.0.0.1"), 7, true, Role.BACKUP, 1, false, "",
                false);
        byte[] bytes = Wire.encode(new Wire.StateMessage(m, GatekeeperState.UNMANAGED, 1, 1, Map.of(), "", ""));
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThrows(IllegalArgumentException.class, () -> Wire.decode(truncated, 0, truncated.length));
        }
        byte[] wrongVersion = bytes.clone();
        wrongVersion[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> Wire.decode(wrongVersion, 0, wrongVersion.length));
    }

    @Test
    void anEpochBeyondTheBoundOrNegativeIsRefusedInEveryMessageThatCarriesOne() throws Exception {
        // A member adds one to the highest epoch it knows; a peer may not bring it near Long.MAX_VALUE.
        for (Wire.Message ok : carrying(Wire.MAX_EPOCH)) {
            byte[] bytes = Wire.encode(ok);
            assertEquals(ok.toString(), Wire.decode(bytes, 0, bytes.length).toString());
        }
        for (long bad : new long[] {Wire.MAX_EPOCH + 1, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            for (Wire.Message forged : carrying(bad)) {
                byte[] bytes = Wire.encode(forged);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Wire.decode(bytes, 0, bytes.length), forged.toString());
                assertTrue(e.getMessage().contains("epoch " + bad + " out of range"), forged + ": " + e.getMessage());
            }
        }
    }

    /** One message of every kind that carries an epoch, with that epoch. */
    private static List<Wire.Message> carrying(long epoch) throws Exception {
        InetAddress a = InetAddress.getByName("198.51.100.11");
        MemberState m = new MemberState("n1", a, 7, true, Role.MASTER, epoch, false, "", false);
        return List.of(new Wire.StateMessage(m, GatekeeperState.RUNNING, 1, 1, Map.of(), "n1", ""),
                new Wire.SwitchoverRequest("n2", "n1", epoch),
                new Wire.SwitchoverCancel("n2", "n1", epoch),
                new Wire.VoteRequest(epoch, "n1", a, 1, 1),
                new Wire.VoteReply(1, a, 1, 1, a, false, epoch, "refused"),
                new Wire.LeaseRenew(epoch, a, 1, 1),
                new Wire.LeaseAck(epoch, a, 1, 1, a),
                new Wire.Resign(epoch, a, true),
                new Wire.MirrorPush(epoch, a, new ConfigSnapshot("d", List.of())));
    }

    @Test
    void aMirrorPushSurvivesTheRoundTripAndEveryTruncationIsRefusedAsAPush() throws Exception {
        ConfigSnapshot snapshot = new ConfigSnapshot("d1", List.of(
                new ConfigSnapshot.File("/etc/kamailio/kamailio.cfg", new byte[] { 1, 2, 3 }, "s1"),
                new ConfigSnapshot.File("/etc/kamailio/users", new byte[0], "s2")));
        Wire.MirrorPush push = new Wire.MirrorPush(9, InetAddress.getByName("198.51.100.13"), snapshot);
        byte[] bytes = Wire.encode(push);
        Wire.MirrorPush back = (Wire.MirrorPush) Wire.decode(bytes, 0, bytes.length);
        assertEquals(9, back.epoch());
        assertEquals(push.master(), back.master());
        assertEquals("d1", back.snapshot().digest());
        assertEquals(2, back.snapshot().files().size());
        assertArrayEquals(new byte[] { 1, 2, 3 }, back.snapshot().files().get(0).content());
        assertEquals("s2", back.snapshot().files().get(1).sha256());
        for (int cut = 2; cut < bytes.length; cut++) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertTrue(Wire.isMirrorPush(truncated, 0, truncated.length));
            assertThrows(IllegalArgumentException.class, () -> Wire.decode(truncated, 0, truncated.length));
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(IllegalArgumentException.class, () -> Wire.decode(longer, 0, longer.length));
    }
}
