package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ConfigMirror;
import org.gkguardian.api.ConfigMirror.MirrorException;
import org.gkguardian.api.ConfigSnapshot;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.api.Role;
import org.gkguardian.api.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's half of configuration mirroring: sends the declared files to the backups when they change here, when
 * an operator asks, and to a member that joins with other files. Runs on the mirror thread only; it reads the role
 * and the members from the role machine's published snapshots and never blocks the role thread.
 *
 * <p>Becoming master pushes nothing by itself: a node elected with stale files must not overwrite the others' newer
 * ones. The operator's push, or the next edit on the master, does.
 */
final class MirrorPublisher {

    static final String PUSH_FAILED = "mirror-push-failed";
    private static final Logger LOG = LoggerFactory.getLogger(MirrorPublisher.class);

    private final Supplier<ConfigMirror> mirror;
    private final Membership membership;
    private final Supplier<NodeStatus> status;
    private final Supplier<List<MemberStatus>> members;
    private final Notices notices;
    private int corruptPushes;

    private boolean master;
    /** The files the backups have, as far as this node knows: its own while it is not master, then what it pushed. */
    private String lastPushed = "";
    /** The members reachable while this node has been master: one that appears later has just joined. */
    private final Set<InetAddress> present = new HashSet<>();

    /**
     * @param corruptPushes fault injection for tests of the backups' refusal: this many of the first pushes carry
     *                      one altered byte (0 in production)
     */
    MirrorPublisher(Supplier<ConfigMirror> mirror, Membership membership, Supplier<NodeStatus> status,
            Supplier<List<MemberStatus>> members, Notices notices, int corruptPushes) {
        this.mirror = mirror;
        this.membership = membership;
        this.status = status;
        this.members = members;
        this.notices = notices;
        this.corruptPushes = corruptPushes;
    }

    /** Mirror thread, a few times a second: cheap unless something changed. */
    void poll() {
        NodeStatus s = status.get();
        ConfigMirror m = mirror.get();
        if (m == null || s.role() != Role.MASTER) {
            master = false;
            present.clear();
            // What this node has while it is not master is what it had when it became master: a change made after
            // the election, even before this thread's first look as master, is the new master's to push.
            lastPushed = m == null ? "" : m.digest();
            return;
        }
        String digest = m.digest();
        if (!master) {
            master = true;
            if (lastPushed.isEmpty()) {
                lastPushed = digest;
            }
            present.clear();
            reachablePeers(s).forEach(row -> present.add(row.internalAddress()));
        }
        if (!digest.isEmpty() && !digest.equals(lastPushed)) {
            push(s, m, Optional.empty(), "the declared files changed");
            return;
        }
        Set<InetAddress> reachable = new HashSet<>();
        for (MemberStatus row : reachablePeers(s)) {
            reachable.add(row.internalAddress());
            if (present.add(row.internalAddress())) {
                String theirs = row.state().map(st -> st.configDigest()).orElse("");
                if (!theirs.isEmpty() && !theirs.equals(digest)) {
                    push(s, m, Optional.of(row), "it joined with other files");
                }
            }
        }
        present.retainAll(reachable);
    }

    /** Mirror thread: an operator's push. */
    OperatorResult push() {
        NodeStatus s = status.get();
        ConfigMirror m = mirror.get();
        if (m == null) {
            return OperatorResult.refused(Outcome.REFUSED, "no gatekeeper lifecycle provides the mirrored files");
        }
        if (s.role() != Role.MASTER) {
            return OperatorResult.refused(Outcome.REFUSED, "only the master pushes its files; the master is "
                    + s.master().orElse("not known yet") + " (this node is " + s.role().label() + ")");
        }
        return push(s, m, Optional.empty(), "an operator asked");
    }

    private OperatorResult push(NodeStatus s, ConfigMirror m, Optional<MemberStatus> to, String why) {
        ConfigSnapshot snapshot;
        try {
            snapshot = m.snapshot();
        } catch (MirrorException e) {
            // Not retried until the files change again: a push that fails for a reason in the files fails again.
            lastPushed = m.digest();
            String text = "configuration not pushed: " + e.getMessage();
            if (!notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(), PUSH_FAILED, Severity.MAJOR,
                    text)) {
                LOG.warn("{}", text);
            }
            return OperatorResult.refused(Outcome.REFUSED, text);
        }
        notices.clear(PUSH_FAILED, Cause.CONFIGURATION, Map.of());
        lastPushed = snapshot.digest();
        if (snapshot.files().isEmpty()) {
            return OperatorResult.refused(Outcome.REFUSED, "no file is declared for mirroring here (mirror.paths)");
        }
        ConfigSnapshot sent = snapshot;
        if (corruptPushes > 0) {
            corruptPushes--;
            sent = corrupted(snapshot);
            LOG.warn("Fault injection (gkg.fault.mirror.corrupt): this push carries one altered byte");
        }
        byte[] message = Wire.encode(new Wire.MirrorPush(s.epoch(), s.internalAddress(), sent));
        long bytes = snapshot.files().stream().mapToLong(f -> f.content().length).sum();
        if (to.isPresent()) {
            membership.send(to.get().internalAddress(), message);
        } else {
            membership.send(message);
        }
        String who = to.map(MemberStatus::name).orElse("every backup");
        LOG.info("Mirrored configuration pushed to {} ({}): {} files, {} bytes, digest {}", who, why,
                snapshot.files().size(), bytes, snapshot.digest());
        return OperatorResult.accepted("pushed " + snapshot.files().size() + " files (" + bytes + " bytes, digest "
                + snapshot.digest() + ") to " + who);
    }

    private List<MemberStatus> reachablePeers(NodeStatus s) {
        return members.get().stream().filter(row -> !row.internalAddress().equals(s.internalAddress()))
                .filter(MemberStatus::reachable).toList();
    }

    private static ConfigSnapshot corrupted(ConfigSnapshot s) {
        List<ConfigSnapshot.File> files = new java.util.ArrayList<>(s.files());
        ConfigSnapshot.File first = files.get(0);
        byte[] content = first.content().clone();
        if (content.length == 0) {
            content = new byte[] { 1 };
        } else {
            content[content.length / 2] ^= 0x20;
        }
        files.set(0, new ConfigSnapshot.File(first.path(), content, first.sha256()));
        return new ConfigSnapshot(s.digest(), files);
    }
}
