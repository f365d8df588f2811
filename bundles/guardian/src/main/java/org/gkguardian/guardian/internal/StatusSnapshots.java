package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.VipControl;
import org.gkguardian.api.VipStatus;

/**
 * What other threads (console, SNMP, JMX) read of this node: its status and the member table. Built on the role thread
 * when something they show changed, and once per heartbeat for what runs on by itself (the lease left, the peers'
 * ages); read from any thread.
 */
final class StatusSnapshots {

    /**
     * This node's own part of the status, as the role machine knows it when the snapshot is taken.
     *
     * @param follows     the master this node follows (itself when master), or empty
     * @param leaseLeft   what is left of a master's lease; zero otherwise
     * @param faultReason why the node is in fault; empty otherwise
     * @param state       the state this node shares with the others
     */
    record Self(Role role, Instant roleSince, long epoch, String follows, QuorumState quorum, Duration leaseLeft,
            GatekeeperState gatekeeper, String configDigest, String faultReason, MemberState state) {
    }

    private final Supplier<Settings> settings;
    private final PeerTracker peers;
    private final VipControl vip;
    private final Journal journal;
    private final Clock clock;
    private volatile NodeStatus status;
    private volatile List<MemberStatus> members = List.of();
    private long builtNanos = Long.MIN_VALUE / 2;
    /** Something the status shows changed since it was last built. */
    private boolean changed;

    /** @param settings the node's settings as they are now (some change on a running node) */
    StatusSnapshots(Supplier<Settings> settings, PeerTracker peers, VipControl vip, Journal journal, Clock clock) {
        this.settings = settings;
        this.peers = peers;
        this.vip = vip;
        this.journal = journal;
        this.clock = clock;
    }

    /** The status before the node started: no member table yet. */
    void initial(Self self) {
        status = build(self);
    }

    /** Something the status shows changed: see {@link #changed()}. */
    void markChanged() {
        changed = true;
    }

    /** Whether something the status shows changed since it was last built. */
    boolean changed() {
        return changed;
    }

    /** Whether the snapshots are older than {@code interval}. */
    boolean olderThan(long interval, long now) {
        return now - builtNanos >= interval;
    }

    void refresh(Self self, long now) {
        changed = false;
        status = build(self);
        builtNanos = now;
        Settings s = settings.get();
        List<MemberStatus> rows = new ArrayList<>();
        int index = 1;
        for (InetAddress a : s.members()) {
            if (a.equals(s.internalAddress())) {
                rows.add(new MemberStatus(index++, s.nodeName(), a, true, Optional.of(clock.instant()),
                        Optional.of(self.state()), self.gatekeeper()));
            } else {
                Optional<PeerTracker.Peer> p = peers.peer(a);
                boolean reachable = peers.fresh(a, now) && p.isPresent();
                rows.add(new MemberStatus(index++, peers.nameOf(a), a, reachable, peers.lastHeardAt(a),
                        peers.lastKnown(a), p.map(PeerTracker.Peer::gatekeeper).orElse(GatekeeperState.UNKNOWN)));
            }
        }
        members = List.copyOf(rows);
    }

    private NodeStatus build(Self self) {
        Settings s = settings.get();
        Optional<InetAddress> masterAddress = Optional.empty();
        if (self.role() == Role.MASTER) {
            masterAddress = Optional.of(s.internalAddress());
        } else if (!self.follows().isEmpty()) {
            for (MemberState m : peers.everKnown()) {
                if (m.name().equals(self.follows())) {
                    masterAddress = Optional.of(m.internalAddress());
                }
            }
        }
        List<VipStatus> vips;
        try {
            vips = vip.status();
        } catch (RuntimeException e) {
            vips = List.of();
        }
        return new NodeStatus(s.nodeName(), s.internalAddress(), s.priority(), self.role(), self.roleSince(),
                self.epoch(), self.follows().isEmpty() ? Optional.empty() : Optional.of(self.follows()), masterAddress,
                vips, self.quorum(), self.leaseLeft(), self.gatekeeper(), self.configDigest(), journal.failoverCount(),
                journal.lastFailover(), journal.lastFailoverCause(), true, self.faultReason());
    }

    NodeStatus status() {
        return status;
    }

    List<MemberStatus> members() {
        return members;
    }
}
