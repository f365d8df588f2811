package org.gkguardian.guardian.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may be master of which epoch, decided by votes and kept by leases: the shape of Raft's election with leader
 * leases, carried over the guardians' channel. One instance per run of the role machine, used on the role thread
 * only; every time is this node's monotonic clock, handed in.
 *
 * <p>The rules, which together make two masters of one epoch, or two masters whose leases overlap, impossible:
 * <ol>
 * <li>A node is master of epoch E only once {@code needed} members, itself included, granted it E.</li>
 * <li>A member votes at most once per epoch and never in an epoch below one it voted in; the vote is on disk
 * ({@link BallotBox}) before the grant is sent, so a restart does not let it vote twice.</li>
 * <li>A member that granted a vote or answered a master's renewal promises, for {@code promise} from the moment it
 * received the request (its own clock), to grant nobody else.</li>
 * <li>A master holds its lease for {@code lease} from the moment it <em>sent</em> the newest request that
 * {@code needed - 1} others answered, so its lease always ends before their promise: {@code promise - lease} covers
 * the master's late tick, its watchdog and the release of the VIP, and clock drift (monotonic clocks of two boards
 * differ by well under 0.1 %).</li>
 * </ol>
 * Two exceptions free a voter early: a master that resigned (it released the VIP and said so), and a master whose
 * process was seen to die (its socket closed), after the release allowance its launcher has to release the VIP.
 *
 * <p>Under the witness policy a pair cannot have a majority without both members; the witness stands in for the
 * missing member's vote and renewal. The witness answers both sides of a cut internal link, so there the
 * duplicate-address check on the public side is what keeps the second node off the VIP: a pair is not safe by
 * construction, a third member is (see the README).
 */
final class Agreement {

    /** The highest epoch this node voted in, and for whom (an internal address), as kept on disk. */
    record Ballot(long epoch, String votedFor) {
        static final Ballot NONE = new Ballot(0, "");
    }

    /** Where votes are kept before they are sent. */
    interface BallotBox {
        Ballot ballot();

        void vote(Ballot ballot);
    }

    private final InetAddress self;
    private final String selfName;
    private final long incarnation;
    private final BallotBox box;
    private final int needed;
    private final boolean witnessStandsIn;
    private final boolean leased;
    private final long leaseNanos;
    private final long promiseNanos;
    private final long crashAllowanceNanos;
    private final long witnessDelayNanos;
    private final int epochStride;
    private final int epochSlot;

    private InetAddress promisedTo;
    /** The run (incarnation) of the member it was promised to, as its request or renewal said. */
    private long promisedRun;
    private long promisedEpoch;
    private long promiseUntil = Long.MIN_VALUE;
    /** When the newest grant or renewal behind the promise was received. */
    private long promisedAtNanos = Long.MIN_VALUE;
    private long highestSeen;

    private long campaignEpoch;
    private long campaignSince = Long.MIN_VALUE;
    private boolean outvoted;
    private final Map<InetAddress, Long> grants = new HashMap<>();
    private String lastRefusal = "";
    /** The newest renewal answered, per master (see {@link #onRenew}). */
    private final Map<InetAddress, Wire.LeaseRenew> lastRenewal = new HashMap<>();

    private volatile long masterEpoch;
    /** Written by the channel's threads as answers arrive (see {@link #onAck}), read by the role thread. */
    private final Map<InetAddress, Long> acks = new ConcurrentHashMap<>();
    private long witnessNanos = Long.MIN_VALUE;

    /** The agreement of a member of the configured cluster, with the votes and leases its quorum policy asks for. */
    static Agreement forMember(Settings settings, long incarnation, BallotBox box) {
        Timings t = settings.timings();
        List<InetAddress> members = settings.members();
        int needed = switch (settings.quorumPolicy()) {
            case NONE -> 1;
            case WITNESS -> members.size();
            case MAJORITY -> settings.quorumSize();
        };
        // The witness's tie-break: the highest configured address (the patent's order) may count it at once.
        InetAddress best = members.stream().max(Comparator.comparing(a -> new BigInteger(1, a.getAddress())))
                .orElseThrow();
        long witnessDelay = best.equals(settings.internalAddress()) ? 0 : t.promiseMs() * 1_000_000L;
        boolean exclusive = settings.quorumPolicy() == QuorumPolicy.MAJORITY;
        return new Agreement(settings.internalAddress(), settings.nodeName(), incarnation, box, needed,
                settings.quorumPolicy() == QuorumPolicy.WITNESS,
                members.size() > 1 && settings.quorumPolicy() != QuorumPolicy.NONE, t.leaseMs() * 1_000_000L,
                t.promiseMs() * 1_000_000L, t.releaseAllowanceMs() * 1_000_000L, witnessDelay,
                exclusive ? 1 : members.size(), members.indexOf(settings.internalAddress()));
    }

    /**
     * @param needed            votes that make a master, this node's own included (a majority; every member under
     *                          the witness policy, where the witness may stand in for the others)
     * @param witnessStandsIn   the witness policy: a fresh witness answer counts for the members not heard
     * @param leased            false only without quorum (policy none): a master keeps its role without renewals
     * @param witnessDelayNanos how long this node's campaign waits before it counts the witness, so that two sides
     *                          of a cut link that both reach the witness do not bind at the same instant
     * @param epochStride       where a master may win without the others' votes (witness, no quorum), each member
     *                          stands only for epochs of its own ({@code epoch % stride == slot}), so that no
     *                          epoch ever has two masters; 1 under a majority
     * @param epochSlot         this member's residue, its index among the configured members
     */
    Agreement(InetAddress self, String selfName, long incarnation, BallotBox box, int needed,
            boolean witnessStandsIn, boolean leased, long leaseNanos, long promiseNanos, long crashAllowanceNanos,
            long witnessDelayNanos, int epochStride, int epochSlot) {
        if (leased && promiseNanos <= leaseNanos) {
            throw new IllegalArgumentException("the promise must outlast the lease");
        }
        this.self = self;
        this.selfName = selfName;
        this.incarnation = incarnation;
        this.box = box;
        this.needed = Math.max(1, needed);
        this.witnessStandsIn = witnessStandsIn;
        this.leased = leased;
        this.leaseNanos = leaseNanos;
        this.promiseNanos = promiseNanos;
        this.crashAllowanceNanos = crashAllowanceNanos;
        this.witnessDelayNanos = witnessDelayNanos;
        this.epochStride = Math.max(1, epochStride);
        this.epochSlot = Math.floorMod(epochSlot, this.epochStride);
    }

    // ---------------------------------------------------------------- as a voter

    /** Answers a candidate; the vote is stored before the answer is returned. */
    Wire.VoteReply onRequest(Wire.VoteRequest r, long knownEpoch, long receivedNanos) {
        highestSeen = Math.max(highestSeen, r.epoch());
        Ballot b = box.ballot();
        String candidate = key(r.candidateAddress());
        String refusal = refusalBesidesPromise(r, knownEpoch, b);
        if (refusal.isEmpty() && bindsAgainst(r, receivedNanos)) {
            refusal = "it promised " + key(promisedTo) + " (epoch " + promisedEpoch + ") for another "
                    + (promiseUntil - receivedNanos) / 1_000_000L + " ms";
        }
        if (!refusal.isEmpty()) {
            return new Wire.VoteReply(r.epoch(), r.candidateAddress(), r.incarnation(), r.sentNanos(), self, false,
                    b.epoch(), refusal);
        }
        if (r.epoch() > b.epoch()) {
            box.vote(new Ballot(r.epoch(), candidate));
        }
        if (campaignEpoch != 0 && campaignEpoch < r.epoch()) {
            endCampaign();
        }
        promise(r.candidateAddress(), r.incarnation(), r.epoch(), receivedNanos);
        return new Wire.VoteReply(r.epoch(), r.candidateAddress(), r.incarnation(), r.sentNanos(), self, true,
                r.epoch(), "");
    }

    /**
     * Whether the promise this node keeps to another member is all that keeps it from granting {@code r} at
     * {@code now}: once the promise ends the request may be granted (every rule is checked again then).
     */
    boolean refusedOnlyForPromise(Wire.VoteRequest r, long knownEpoch, long now) {
        return refusalBesidesPromise(r, knownEpoch, box.ballot()).isEmpty() && bindsAgainst(r, now);
    }

    private String refusalBesidesPromise(Wire.VoteRequest r, long knownEpoch, Ballot b) {
        if (masterEpoch != 0) {
            return "it is master of epoch " + masterEpoch;
        } else if (r.epoch() <= knownEpoch) {
            return "epoch " + r.epoch() + " is not above the epoch it knows, " + knownEpoch;
        } else if (r.epoch() < b.epoch()
                || (r.epoch() == b.epoch() && !b.votedFor().equals(key(r.candidateAddress())))) {
            return "it voted for " + b.votedFor() + " in epoch " + b.epoch();
        }
        return "";
    }

    private boolean bindsAgainst(Wire.VoteRequest r, long now) {
        return promiseUntil > now && !r.candidateAddress().equals(promisedTo);
    }

    /**
     * Promises again to a master that renews its lease, unless this node has moved on to a later epoch, or the renewal
     * is not newer than the last one it answered from that master: renewals also travel as datagrams, which anyone on
     * the LAN can record and send again, and a replayed renewal must not extend the promise. Newer means a higher
     * epoch, or the same epoch, the same run of the master (incarnation) and a later send time. A master that
     * restarted is elected in a higher epoch before it renews, so a renewal of the same epoch from another run is a
     * replay. A second copy of one renewal (the channel's and a datagram) is dropped the same way.
     */
    Optional<Wire.LeaseAck> onRenew(Wire.LeaseRenew r, long knownEpoch, long receivedNanos) {
        highestSeen = Math.max(highestSeen, r.epoch());
        if (r.epoch() < box.ballot().epoch() || r.epoch() < knownEpoch || masterEpoch != 0) {
            return Optional.empty();
        }
        Wire.LeaseRenew last = lastRenewal.get(r.master());
        if (last != null && (r.epoch() < last.epoch() || (r.epoch() == last.epoch()
                && (r.incarnation() != last.incarnation() || r.sentNanos() - last.sentNanos() <= 0)))) {
            return Optional.empty();
        }
        lastRenewal.put(r.master(), r);
        if (campaignEpoch != 0 && campaignEpoch <= r.epoch()) {
            endCampaign();
        }
        promise(r.master(), r.incarnation(), r.epoch(), receivedNanos);
        return Optional.of(new Wire.LeaseAck(r.epoch(), r.master(), r.incarnation(), r.sentNanos(), self));
    }

    private void promise(InetAddress to, long run, long epoch, long receivedNanos) {
        long until = receivedNanos + promiseNanos;
        long at = receivedNanos;
        if (to.equals(promisedTo) && epoch == promisedEpoch) {
            until = Math.max(until, promiseUntil);
            at = Math.max(at, promisedAtNanos);
        }
        promisedTo = to;
        promisedRun = run;
        promisedEpoch = epoch;
        promiseUntil = until;
        promisedAtNanos = at;
    }

    /**
     * The master let the VIP go and said so: its voters are free at once. Whether it was the master this node had
     * promised to, in the epoch of that promise.
     */
    boolean resigned(Wire.Resign r, long now) {
        if (r.master().equals(promisedTo) && r.epoch() == promisedEpoch) {
            promiseUntil = Math.min(promiseUntil, now);
            return true;
        }
        return false;
    }

    /**
     * The member's process was seen dead at {@code diedAtNanos}: free after the time its launcher has to release what
     * it held, unless this node granted or renewed the promise after that moment. Then it was given to a process
     * that started since on the same address (a restarted guardian elected before the old one's death was believed),
     * whose lease the old process's death does not end.
     */
    void crashed(InetAddress member, long diedAtNanos) {
        if (member.equals(promisedTo) && promisedAtNanos <= diedAtNanos) {
            promiseUntil = Math.min(promiseUntil, diedAtNanos + crashAllowanceNanos);
        }
    }

    /**
     * The member's launcher saw its run {@code run} die and released what it held (see {@link LauncherObituary}): a
     * promise to that run ends now, with no allowance. The epoch of that promise when this node kept one to it, else 0.
     */
    long released(InetAddress member, long run, long now) {
        if (promisedToRun(member, run)) {
            promiseUntil = Math.min(promiseUntil, now);
            return promisedEpoch;
        }
        return 0;
    }

    /** Whether the promise this node keeps (running or run out) was given to that run of the member. */
    boolean promisedToRun(InetAddress member, long run) {
        return member.equals(promisedTo) && run == promisedRun;
    }

    /**
     * It holds a promise of ours that runs out within {@code lead}: a takeover may get ready now (the gatekeeper, the
     * duplicate-address check), though no vote is granted before the promise has run out.
     */
    boolean lapsesWithin(InetAddress member, long now, long lead) {
        return member.equals(promisedTo) && promiseUntil - lead <= now;
    }

    /** Whether the promise this node keeps (running or run out) is the one it gave {@code member}. */
    boolean promisedTo(InetAddress member) {
        return member.equals(promisedTo);
    }

    /** When the promise this node keeps runs out, if it keeps one to another member. */
    OptionalLong promiseEnd() {
        return promisedTo != null && !promisedTo.equals(self) ? OptionalLong.of(promiseUntil) : OptionalLong.empty();
    }

    /** The member this node keeps (or last kept) a promise to; empty when none or itself. */
    Optional<InetAddress> promisee() {
        return promisedTo != null && !promisedTo.equals(self) ? Optional.of(promisedTo) : Optional.empty();
    }

    /** It held a promise of ours that has run out (or was freed) and has not renewed it since. */
    boolean lapsed(InetAddress member, long now) {
        return member.equals(promisedTo) && promiseUntil <= now;
    }

    /** Whether a promise to another member keeps this node from standing. */
    boolean boundElsewhere(long now) {
        return promisedTo != null && !promisedTo.equals(self) && promiseUntil > now;
    }

    // ---------------------------------------------------------------- as a candidate

    /**
     * Asks (again) to be master. The same epoch is asked for again while this node's vote in it stands and nothing
     * higher was seen, so a refused candidate does not make the epoch climb; empty when it may not stand now.
     */
    Optional<Wire.VoteRequest> campaign(long knownEpoch, long now) {
        if (masterEpoch != 0 || boundElsewhere(now)) {
            return Optional.empty();
        }
        Ballot b = box.ballot();
        boolean again = canAskAgain(knownEpoch) && b.epoch() == campaignEpoch && b.votedFor().equals(key(self));
        if (!again) {
            long epoch = nextEpoch(knownEpoch);
            if (epoch > Wire.MAX_EPOCH) {
                return Optional.empty();
            }
            box.vote(new Ballot(epoch, key(self)));
            campaignEpoch = epoch;
            campaignSince = now;
            outvoted = false;
            grants.clear();
            lastRefusal = "";
        }
        return Optional.of(new Wire.VoteRequest(campaignEpoch, selfName, self, incarnation, now));
    }

    /** The epoch this node would stand for next, for the gatekeeper's preparation. */
    long nextEpoch(long knownEpoch) {
        if (canAskAgain(knownEpoch) && box.ballot().epoch() == campaignEpoch) {
            return campaignEpoch;
        }
        long above = Math.max(Math.max(knownEpoch, box.ballot().epoch()), highestSeen);
        // The first epoch above all known ones that is this node's own: the same one twice under the witness.
        long next = above + 1;
        long rest = Math.floorMod(next - epochSlot, epochStride);
        return rest == 0 ? next : next + epochStride - rest;
    }

    /** The campaign's epoch is still worth asking for: nothing higher was seen and nobody voted for another in it. */
    private boolean canAskAgain(long knownEpoch) {
        return campaignEpoch != 0 && campaignEpoch > knownEpoch && !outvoted
                && campaignEpoch >= highestSeen;
    }

    /** A voter's answer; a refusal is kept for the log. */
    void onReply(Wire.VoteReply r) {
        highestSeen = Math.max(highestSeen, r.ballot());
        if (campaignEpoch == 0 || r.epoch() != campaignEpoch || !r.candidateAddress().equals(self)
                || r.incarnation() != incarnation) {
            return;
        }
        if (r.granted()) {
            grants.merge(r.voter(), r.echoNanos(), Math::max);
        } else {
            lastRefusal = key(r.voter()) + " refused: " + r.reason();
            if (r.ballot() >= campaignEpoch) {
                outvoted = true; // it voted for someone else in this epoch (or later): ask in a higher one
            }
        }
    }

    /** Enough votes for the campaign's epoch, and a lease still long enough to act on them. */
    boolean elected(long now, long marginNanos) {
        return campaignEpoch != 0 && remaining(grants, now, now - campaignSince >= witnessDelayNanos) > marginNanos;
    }

    String lastRefusal() {
        return lastRefusal;
    }

    void endCampaign() {
        campaignEpoch = 0;
        campaignSince = Long.MIN_VALUE;
        grants.clear();
    }

    // ---------------------------------------------------------------- as master

    /** The campaign won: this node is master of its epoch, its lease counted from the grants. */
    long becomeMaster() {
        masterEpoch = campaignEpoch;
        acks.clear();
        acks.putAll(grants);
        campaignEpoch = 0;
        grants.clear();
        return masterEpoch;
    }

    Wire.LeaseRenew renewal(long now) {
        return new Wire.LeaseRenew(masterEpoch, self, incarnation, now);
    }

    /**
     * A voter renewed its promise; safe from the channel's threads. True when the answer is to this master's own run
     * and epoch. An answer binds the renewal's send time: a replayed (or late) answer echoes an older time and can
     * only give a lease that ends earlier than the one already counted, so it changes nothing.
     */
    boolean onAck(Wire.LeaseAck a) {
        if (masterEpoch != 0 && a.epoch() == masterEpoch && a.master().equals(self)
                && a.incarnation() == incarnation) {
            acks.merge(a.voter(), a.echoNanos(), Math::max);
            return true;
        }
        return false;
    }

    /** How long this master may still hold the role; zero when it is not master. */
    long leaseRemaining(long now) {
        if (masterEpoch == 0) {
            return 0;
        }
        return remaining(acks, now, true);
    }

    boolean master() {
        return masterEpoch != 0;
    }

    long masterEpoch() {
        return masterEpoch;
    }

    /**
     * The master let go (the VIP is released): it holds no lease any more, and tells its voters with the result.
     *
     * @param heldVip it had bound the VIP as master (not a candidate whose bind failed): see {@link Wire.Resign}
     */
    Optional<Wire.Resign> stepDown(boolean heldVip) {
        long was = masterEpoch;
        masterEpoch = 0;
        acks.clear();
        return was == 0 ? Optional.empty() : Optional.of(new Wire.Resign(was, self, heldVip));
    }

    void witnessAnswered(long atNanos) {
        witnessNanos = Math.max(witnessNanos, atNanos);
    }

    /**
     * The lease left by the other members' answers (member to the send time it echoes): this node's own vote is
     * always current, so the lease runs from the newest time at which {@code needed - 1} others had answered.
     */
    private long remaining(Map<InetAddress, Long> answers, long now, boolean witnessCounts) {
        int others = needed - 1;
        if (others == 0) {
            return Long.MAX_VALUE;
        }
        if (!leased) {
            return answers.size() >= others ? Long.MAX_VALUE : 0;
        }
        List<Long> times = new ArrayList<>(answers.values());
        times.sort(Comparator.reverseOrder());
        long since = times.size() >= others ? times.get(others - 1) : Long.MIN_VALUE;
        if (witnessStandsIn && witnessCounts && witnessNanos != Long.MIN_VALUE) {
            since = Math.max(since, witnessNanos);
        }
        return since == Long.MIN_VALUE ? 0 : Math.max(0, since + leaseNanos - now);
    }

    private static String key(InetAddress a) {
        return a == null ? "" : a.getHostAddress();
    }
}
