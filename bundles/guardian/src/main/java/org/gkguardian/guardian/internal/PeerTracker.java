package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node knows of the other configured members: who is in the channel's view, when each was last heard
 * with proof of a round trip, and the newest state each sent. {@link #heard} and {@link #echoOf} run on the
 * channel's threads; everything else on the role thread.
 *
 * <p>A member counts as heard at the moment we sent the state it echoes, never later: a message that was delayed,
 * buffered or retransmitted shows its age.
 */
final class PeerTracker {

    private static final Logger LOG = LoggerFactory.getLogger(PeerTracker.class);

    /** A member's newest state, its gatekeeper, the master it follows and the switchover target it holds pending. */
    record Peer(MemberState state, GatekeeperState gatekeeper, String follows, String switchover) {
        /** Field by field: a record's generated equals is slow under the client compiler (see MemberState). */
        boolean sameAs(Peer o) {
            return state.equals(o.state) && gatekeeper == o.gatekeeper && Objects.equals(follows, o.follows)
                    && Objects.equals(switchover, o.switchover);
        }
    }

    /** How the view changed: members that left and members that came. */
    record ViewChange(List<InetAddress> gone, List<InetAddress> came) {
    }

    private final InetAddress self;
    private final Set<InetAddress> members;
    private final long incarnation;
    private final long presenceNanos;

    private final Map<InetAddress, Long> heardNanos = new ConcurrentHashMap<>();
    /** The newest lease exchange with each member, on this node's clock (see {@link #leaseExchange}). */
    private final Map<InetAddress, Long> leaseNanos = new ConcurrentHashMap<>();
    /** Members whose process was seen to die, until they leave the view or a new state of theirs is accepted. */
    private final Set<InetAddress> dead = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Wire.Echo> echoOf = new ConcurrentHashMap<>();
    private final Map<InetAddress, Wire.Echo> newestState = new HashMap<>();
    private final Map<InetAddress, Peer> peers = new HashMap<>();
    private final Map<InetAddress, Long> inViewSince = new HashMap<>();
    private final Map<InetAddress, Instant> lastHeardAt = new ConcurrentHashMap<>();
    private final Map<InetAddress, MemberState> lastKnown = new ConcurrentHashMap<>();
    private final Set<InetAddress> warnedStrangers = new HashSet<>();

    /**
     * @param presenceNanos how long a member stays present after it was last heard: failure timeout plus verify
     *                      time, as long as JGroups takes to drop a silent member
     */
    PeerTracker(InetAddress self, List<InetAddress> members, long incarnation, long presenceNanos) {
        this.self = self;
        this.members = Set.copyOf(members);
        this.incarnation = incarnation;
        this.presenceNanos = presenceNanos;
    }

    /** A configured member other than this node. */
    boolean isPeer(InetAddress a) {
        return members.contains(a) && !a.equals(self);
    }

    /** The configured members other than this node. */
    List<InetAddress> peerAddresses() {
        return members.stream().filter(a -> !a.equals(self)).toList();
    }

    /** Channel thread: the member sent a state; remember its clock, and when it last heard us. */
    void heard(Wire.StateMessage s, long atNanos) {
        InetAddress from = s.state().internalAddress();
        if (!isPeer(from)) {
            return;
        }
        echoOf.merge(from, new Wire.Echo(s.incarnation(), s.sentNanos()),
                (old, neu) -> old.incarnation() != neu.incarnation() || neu.sentNanos() > old.sentNanos() ? neu : old);
        Wire.Echo echo = s.echoes().get(self);
        if (echo == null || echo.incarnation() != incarnation) {
            return;
        }
        heardNanos.merge(from, Math.min(echo.sentNanos(), atNanos), Math::max);
    }

    /** The newest clock readings of the given members, to echo back to them. */
    Map<InetAddress, Wire.Echo> echoesFor(Set<InetAddress> view) {
        Map<InetAddress, Wire.Echo> echoes = new HashMap<>();
        for (InetAddress a : view) {
            Wire.Echo e = echoOf.get(a);
            if (e != null) {
                echoes.put(a, e);
            }
        }
        return echoes;
    }

    ViewChange onView(Set<InetAddress> view, long now) {
        Set<InetAddress> others = new HashSet<>(view);
        others.remove(self);
        List<InetAddress> gone = new ArrayList<>();
        for (InetAddress a : new ArrayList<>(inViewSince.keySet())) {
            if (!others.contains(a)) {
                inViewSince.remove(a);
                dead.remove(a);
                peers.remove(a);
                heardNanos.remove(a);
                gone.add(a);
            }
        }
        List<InetAddress> came = new ArrayList<>();
        for (InetAddress a : others) {
            if (!inViewSince.containsKey(a) && members.contains(a)) {
                inViewSince.put(a, now);
                came.add(a);
            }
        }
        return new ViewChange(gone, came);
    }

    /** What a member's state told: nothing to believe, the same as its last state, or something new. */
    enum Heard {
        REFUSED, SAME, CHANGED
    }

    /**
     * A member's state, on the role thread. REFUSED when it is not to be believed: from a stranger, older than one
     * already handled, or without proof of a round trip (it may be from before a partition or a pause); SAME when
     * it repeats the member's last state (what it says, whom it follows, its gatekeeper and switchover) while the
     * member was present all along, as nearly every state at rest does; CHANGED otherwise.
     */
    Heard accept(Wire.StateMessage s, Instant at, long now) {
        MemberState m = s.state();
        InetAddress from = m.internalAddress();
        if (!isPeer(from)) {
            if (warnedStrangers.add(from)) {
                LOG.warn("Ignoring state from {} ({}): it is {} the configured members", m.name(),
                        from.getHostAddress(), from.equals(self) ? "using my address among" : "not one of");
            }
            return Heard.REFUSED;
        }
        Wire.Echo stamp = new Wire.Echo(s.incarnation(), s.sentNanos());
        Wire.Echo newest = newestState.get(from);
        if (newest != null && newest.incarnation() == stamp.incarnation() && newest.sentNanos() >= stamp.sentNanos()) {
            return Heard.REFUSED; // an older state overtaken by a newer one (retransmission)
        }
        newestState.put(from, stamp);
        if (!fresh(from, now)) {
            return Heard.REFUSED;
        }
        Peer peer = new Peer(m, s.gatekeeper(), s.master(), s.switchover());
        Peer before = peers.put(from, peer);
        boolean wasDead = dead.remove(from);
        lastKnown.put(from, m);
        lastHeardAt.put(from, at);
        return before == null || wasDead || !before.sameAs(peer) ? Heard.CHANGED : Heard.SAME;
    }

    /** Heard within the presence window and still in the view. */
    boolean fresh(InetAddress a, long now) {
        return heardWithin(a, now, presenceNanos);
    }

    boolean heardWithin(InetAddress a, long now, long window) {
        Long at = heardNanos.get(a);
        return at != null && now - at <= window && inViewSince.containsKey(a);
    }

    /**
     * The lease's messages show the member alive at {@code atNanos} (this node's clock): as master, the send time of
     * the renewal it answered (a round trip, as an echo in a state is); as voter, when it took a renewal of the master
     * that was newer than any before (see {@link Agreement#onRenew}: a replayed one is refused first). Counted for
     * quorum only, never as a state: see {@link #quorumCount}. Safe from any thread.
     */
    void leaseExchange(InetAddress member, long atNanos) {
        if (isPeer(member)) {
            leaseNanos.merge(member, atNanos, Math::max);
        }
    }

    /**
     * Configured members other than this node heard within the window: by a state in the view, or by a lease exchange
     * within it (a master's renewal answered, or a master's renewal taken). The renewals travel as datagrams besides
     * the channel, so under loss they keep arriving while the channel stalls or even drops the member from its view;
     * a master whose majority still answers its renewals holds quorum as surely as it holds its lease, and its voters
     * see it as the master they back.
     */
    int quorumCount(long now, long window) {
        int n = 0;
        for (InetAddress a : members) {
            if (a.equals(self)) {
                continue;
            }
            Long exchanged = leaseNanos.get(a);
            if (heardWithin(a, now, window) || (exchanged != null && now - exchanged <= window)) {
                n++;
            }
        }
        return n;
    }

    /** Configured members other than this node heard within the window. */
    int heardCount(long now, long window) {
        int n = 0;
        for (InetAddress a : members) {
            if (!a.equals(self) && heardWithin(a, now, window)) {
                n++;
            }
        }
        return n;
    }

    /** Forgets the states of members that fell silent, so an old state is never combined with a new sign of life. */
    void prune(long now) {
        peers.keySet().removeIf(a -> !fresh(a, now));
    }

    /**
     * The member's process died (its life line closed): nothing it said holds, and it is not waited for, although
     * it stays in the view until the channel's failure detection confirms it.
     */
    void died(InetAddress a) {
        peers.remove(a);
        heardNanos.remove(a);
        dead.add(a);
    }

    /** The run (incarnation) of the member's newest state; 0 when none was heard (no run draws 0 but by chance). */
    long lastRun(InetAddress a) {
        Wire.Echo newest = newestState.get(a);
        return newest == null ? 0 : newest.incarnation();
    }

    boolean dead(InetAddress a) {
        return dead.contains(a);
    }

    /** After a pause of this JVM: nothing known before it is to be trusted. */
    void forgetAll() {
        dead.clear();
        peers.clear();
        heardNanos.clear();
        echoOf.clear();
    }

    /** The current states of the members heard within the presence window. */
    List<Peer> freshPeers(long now) {
        List<Peer> out = new ArrayList<>();
        for (Map.Entry<InetAddress, Peer> e : peers.entrySet()) {
            if (fresh(e.getKey(), now)) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    Optional<Peer> peer(InetAddress a) {
        return Optional.ofNullable(peers.get(a));
    }

    boolean hasState(InetAddress a) {
        return peers.containsKey(a);
    }

    /** Members in the view (other than this node) and since when. */
    Map<InetAddress, Long> inView() {
        return inViewSince;
    }

    Optional<Instant> lastHeardAt(InetAddress a) {
        return Optional.ofNullable(lastHeardAt.get(a));
    }

    Optional<MemberState> lastKnown(InetAddress a) {
        return Optional.ofNullable(lastKnown.get(a));
    }

    Iterable<MemberState> everKnown() {
        return lastKnown.values();
    }

    String nameOf(InetAddress a) {
        MemberState m = lastKnown.get(a);
        return m != null ? m.name() : a.getHostAddress();
    }
}
