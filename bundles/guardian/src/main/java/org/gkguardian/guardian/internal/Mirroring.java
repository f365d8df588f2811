package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.gkguardian.api.ConfigMirror;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.MirrorMemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.Role;

/**
 * Configuration mirroring of one cluster run: the master's {@link MirrorPublisher}, the backup's
 * {@link MirrorReceiver}, and each member's digest against the master's for the status. Every method runs on the
 * mirror thread, except {@link #status()}, which reads the last table built.
 */
final class Mirroring {

    private final Supplier<ConfigMirror> mirror;
    private final Supplier<NodeStatus> status;
    private final Supplier<List<MemberStatus>> members;
    private final Clock clock;
    private final MirrorPublisher publisher;
    private final MirrorReceiver receiver;
    private final Map<InetAddress, Instant> lastMatched = new HashMap<>();
    private volatile List<MirrorMemberStatus> table = List.of();

    Mirroring(Supplier<ConfigMirror> mirror, Membership membership, Supplier<NodeStatus> status,
            Supplier<List<MemberStatus>> members, Notices notices, Clock clock, int corruptPushes) {
        this.mirror = mirror;
        this.status = status;
        this.members = members;
        this.clock = clock;
        this.publisher = new MirrorPublisher(mirror, membership, status, members, notices, corruptPushes);
        this.receiver = new MirrorReceiver(mirror, status, notices);
    }

    void poll() {
        publisher.poll();
        receiver.poll();
        table = buildTable();
    }

    void onPush(Wire.MirrorPush push) {
        receiver.onPush(push);
    }

    void malformed(String why) {
        receiver.malformed(why);
    }

    OperatorResult push() {
        return publisher.push();
    }

    List<MirrorMemberStatus> status() {
        return table;
    }

    private List<MirrorMemberStatus> buildTable() {
        NodeStatus s = status.get();
        ConfigMirror m = mirror.get();
        String own = m == null ? "" : m.digest();
        Optional<InetAddress> masterAddress = s.role() == Role.MASTER ? Optional.of(s.internalAddress())
                : s.masterAddress();
        List<MemberStatus> rows = members.get();
        Map<InetAddress, String> digests = new HashMap<>();
        for (MemberStatus row : rows) {
            boolean self = row.internalAddress().equals(s.internalAddress());
            digests.put(row.internalAddress(), self ? own
                    : row.state().map(st -> st.configDigest()).orElse(""));
        }
        String masterDigest = masterAddress.map(a -> digests.getOrDefault(a, "")).orElse("");
        Instant now = clock.instant();
        List<MirrorMemberStatus> out = new ArrayList<>();
        for (MemberStatus row : rows) {
            InetAddress a = row.internalAddress();
            String digest = digests.get(a);
            boolean matches = !masterDigest.isEmpty() && masterDigest.equals(digest);
            if (matches) {
                lastMatched.put(a, now);
            }
            out.add(new MirrorMemberStatus(row.index(), row.name(), a, masterAddress.equals(Optional.of(a)), digest,
                    matches, Optional.ofNullable(lastMatched.get(a))));
        }
        return List.copyOf(out);
    }
}
