package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.ConfigMirror;
import org.gkguardian.api.ConfigSnapshot;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.MirrorMemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.Test;

/** Both halves of mirroring on one node, with the lifecycle and the channel faked and the role set by hand. */
class MirroringTest {

    private static final InetAddress N1 = address("198.51.100.11");
    private static final InetAddress N2 = address("198.51.100.12");
    private static final InetAddress N3 = address("198.51.100.13");

    private final FakeMirror mirror = new FakeMirror();
    private final SentMessages sent = new SentMessages();
    private final Journal journal = new Journal(10);
    private final Fakes.DirectPublisher publisher = new Fakes.DirectPublisher();
    private Instant now = Instant.parse("2026-12-02T08:00:00Z");
    private Role role = Role.BACKUP;
    private long epoch = 4;
    private InetAddress masterAddress = N3;
    private final List<MemberStatus> rows = new ArrayList<>();
    private final Mirroring mirroring = new Mirroring(() -> mirror, sent, this::status, () -> List.copyOf(rows),
            new Notices("n1", journal, publisher, Clock.systemUTC(), () -> epoch), clock(), 0);

    @Test
    void aSnapshotFromTheMasterIsAppliedAndClearsAnEarlierRefusal() {
        mirror.failure = "snapshot file /etc/gk.cfg is corrupt or incomplete (SHA-256 mismatch); nothing written";
        mirroring.onPush(push(N3, 4, "d2"));
        assertEquals(List.of(), mirror.applied);
        assertEquals("configuration from 198.51.100.13 refused: snapshot file /etc/gk.cfg is corrupt or incomplete"
                + " (SHA-256 mismatch); nothing written", alarm(MirrorReceiver.REFUSED).orElseThrow().text());

        mirror.failure = null;
        mirroring.onPush(push(N3, 4, "d2"));
        assertEquals(List.of("d2"), mirror.applied);
        assertTrue(alarm(MirrorReceiver.REFUSED).isEmpty());
    }

    @Test
    void aSnapshotFromAnyoneButTheMasterThisNodeFollowsIsRefused() {
        mirroring.onPush(push(N2, 4, "d2"));
        assertEquals("configuration from 198.51.100.12 refused: it is not the master this node follows (198.51.100.13);"
                + " nothing written", alarm(MirrorReceiver.REFUSED).orElseThrow().text());
        mirroring.onPush(push(N3, 3, "d2"));
        role = Role.MASTER;
        mirroring.onPush(push(N3, 4, "d2"));
        assertEquals(List.of(), mirror.applied, "nothing is applied from another node, an old epoch, or on a master");
    }

    @Test
    void aSnapshotFromAnOlderEpochIsRefused() {
        epoch = 5;
        mirroring.onPush(push(N3, 4, "d2"));
        assertEquals("configuration from 198.51.100.13 refused: it was sent in epoch 4, before this node's epoch 5;"
                + " nothing written", alarm(MirrorReceiver.REFUSED).orElseThrow().text());
        assertEquals(List.of(), mirror.applied);
    }

    @Test
    void aSnapshotThatDoesNotDecodeRaisesTheAlarm() {
        mirroring.malformed("truncated mirror snapshot: /etc/gk.cfg has 3 of 10 bytes");
        assertEquals("configuration from the channel refused: the snapshot does not decode: truncated mirror snapshot:"
                + " /etc/gk.cfg has 3 of 10 bytes; nothing written", alarm(MirrorReceiver.REFUSED).orElseThrow().text());
    }

    @Test
    void withMirroringOffASnapshotIsNeitherAppliedNorAlarmed() {
        mirror.enabled = false;
        mirroring.onPush(push(N3, 4, "d2"));
        assertEquals(List.of(), mirror.applied);
        assertTrue(alarm(MirrorReceiver.REFUSED).isEmpty());
    }

    @Test
    void aBackupsLocalEditRaisesAnAlarmNamingTheFilesUntilTheNextPush() {
        mirror.localChanges = List.of("/etc/kamailio/kamailio.cfg");
        mirroring.poll();
        assertEquals("configuration changed on this node, not by the master: /etc/kamailio/kamailio.cfg",
                alarm(MirrorReceiver.LOCAL_EDIT).orElseThrow().text());
        mirroring.onPush(push(N3, 4, "d2"));
        mirroring.poll();
        assertTrue(alarm(MirrorReceiver.LOCAL_EDIT).isEmpty());
    }

    @Test
    void theMasterPushesWhenItsFilesChangeAndWhenAnOperatorAsks() {
        role = Role.MASTER;
        masterAddress = N1;
        mirror.digest = "d1";
        member(N1, "d1");
        member(N2, "d1");
        mirroring.poll();
        assertEquals(List.of(), sent.all, "becoming master pushes nothing");
        mirroring.poll();
        assertEquals(List.of(), sent.all, "nothing changed");

        mirror.digest = "d2";
        mirroring.poll();
        assertEquals(1, sent.all.size());
        Wire.MirrorPush push = (Wire.MirrorPush) Wire.decode(sent.all.get(0), 0, sent.all.get(0).length);
        assertEquals(N1, push.master());
        assertEquals(epoch, push.epoch());
        assertEquals("d2", push.snapshot().digest());
        mirroring.poll();
        assertEquals(1, sent.all.size(), "one push per change");

        OperatorResult asked = mirroring.push();
        assertTrue(asked.isAccepted(), asked.message());
        assertEquals(2, sent.all.size());
    }

    /** The files changed between the election and the mirror's first look as master: they are pushed all the same. */
    @Test
    void aChangeMadeRightAfterTheElectionIsPushed() {
        masterAddress = N3;
        mirror.digest = "d1";
        member(N1, "d1");
        member(N2, "d1");
        mirroring.poll();
        role = Role.MASTER;
        masterAddress = N1;
        mirror.digest = "d2";
        mirroring.poll();
        assertEquals(1, sent.all.size(), "the change is pushed");
        Wire.MirrorPush push = (Wire.MirrorPush) Wire.decode(sent.all.get(0), 0, sent.all.get(0).length);
        assertEquals("d2", push.snapshot().digest());
        mirroring.poll();
        assertEquals(1, sent.all.size(), "once");
    }

    @Test
    void aMemberThatJoinsWithOtherFilesGetsThemAlone() {
        role = Role.MASTER;
        masterAddress = N1;
        mirror.digest = "d1";
        member(N1, "d1");
        mirroring.poll();
        member(N2, "old");
        mirroring.poll();
        assertEquals(List.of(N2), sent.to);
        assertEquals(0, sent.all.size());
    }

    @Test
    void aBackupRefusesAnOperatorsPushNamingTheMaster() {
        OperatorResult r = mirroring.push();
        assertFalse(r.isAccepted());
        assertEquals("only the master pushes its files; the master is n3 (this node is backup)", r.message());
    }

    @Test
    void theStatusShowsEachMembersDigestAndWhenItLastMatchedTheMasters() {
        mirror.digest = "d1";
        member(N1, "d1");
        member(N2, "d0");
        member(N3, "d1");
        mirroring.poll();
        Instant matched = now;
        now = now.plus(Duration.ofMinutes(1));
        member(N1, "d1");
        rows.set(2, row(3, N3, "d2"));
        mirroring.poll();
        List<MirrorMemberStatus> table = mirroring.status();
        assertEquals(List.of("d1", "d0", "d2"), table.stream().map(MirrorMemberStatus::digest).toList());
        assertEquals(List.of(false, false, true), table.stream().map(MirrorMemberStatus::master).toList());
        assertEquals(List.of(false, false, true), table.stream().map(MirrorMemberStatus::matches).toList());
        assertEquals(Optional.of(matched), table.get(0).lastMatched(), "n1 matched until the master changed its files");
        assertEquals(Optional.empty(), table.get(1).lastMatched());
        assertEquals(Optional.of(now), table.get(2).lastMatched());
    }

    // ---------------------------------------------------------------- fixtures

    private Optional<Alarm> alarm(String id) {
        return journal.alarms().stream().filter(a -> a.id().equals(id)).findFirst();
    }

    private void member(InetAddress a, String digest) {
        int index = a.getAddress()[3] - 10;
        rows.removeIf(r -> r.internalAddress().equals(a));
        rows.add(Math.min(rows.size(), index - 1), row(index, a, digest));
    }

    private static MemberStatus row(int index, InetAddress a, String digest) {
        String name = "n" + index;
        return new MemberStatus(index, name, a, true, Optional.empty(), Optional.of(new MemberState(name, a, 100,
                true, Role.BACKUP, 4, false, digest, false)), GatekeeperState.RUNNING);
    }

    private NodeStatus status() {
        return new NodeStatus("n1", N1, 100, role, now, epoch, Optional.of(role == Role.MASTER ? "n1" : "n3"),
                Optional.of(masterAddress), List.of(), QuorumState.QUORATE, Duration.ZERO, GatekeeperState.RUNNING,
                mirror.digest, 0, Optional.empty(), Optional.empty(), true, "");
    }

    private Clock clock() {
        return new Clock() {
            @Override
            public Instant instant() {
                return now;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
    }

    private static Wire.MirrorPush push(InetAddress from, long epoch, String digest) {
        return new Wire.MirrorPush(epoch, from, new ConfigSnapshot(digest,
                List.of(new ConfigSnapshot.File("/etc/gk.cfg", new byte[] { 'x' }, "s"))));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class FakeMirror implements ConfigMirror {
        volatile String digest = "d1";
        volatile boolean enabled = true;
        volatile List<String> localChanges = List.of();
        volatile String failure;
        final List<String> applied = new ArrayList<>();

        @Override
        public boolean enabled() {
            return enabled;
        }

        @Override
        public String digest() {
            return digest;
        }

        @Override
        public List<String> localChanges() {
            return localChanges;
        }

        @Override
        public ConfigSnapshot snapshot() {
            return new ConfigSnapshot(digest, List.of(new ConfigSnapshot.File("/etc/gk.cfg", new byte[] { 'x' }, "s")));
        }

        @Override
        public void apply(ConfigSnapshot snapshot) throws MirrorException {
            if (failure != null) {
                throw new MirrorException(failure);
            }
            applied.add(snapshot.digest());
            digest = snapshot.digest();
            localChanges = List.of();
        }
    }

    private static final class SentMessages implements Membership {
        final List<byte[]> all = new ArrayList<>();
        final List<InetAddress> to = new ArrayList<>();

        @Override
        public void send(byte[] payload) {
            all.add(payload);
        }

        @Override
        public void send(InetAddress member, byte[] payload) {
            to.add(member);
        }

        @Override
        public void close() {
        }
    }
}
