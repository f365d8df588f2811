package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;
import org.gkguardian.api.Severity;

/**
 * Which member this node sees as master: raises split brain when it sees more than one, clears it only once no
 * second claimant remains, and counts failovers. Role thread only.
 */
final class MasterWatch {

    private final Notices notices;
    private final Journal journal;
    private final Clock clock;
    private final boolean leased;
    private final long promiseNanos;
    /** Members last heard claiming the master role, and when. */
    private final Map<InetAddress, Long> claimedAt = new HashMap<>();
    private boolean splitBrain;
    private boolean seenBefore;
    private String master = "";

    /**
     * @param leased       masters hold leases (majority): a claimant silent for the promise has let go by construction
     * @param promiseNanos the voters' promise
     */
    MasterWatch(Notices notices, Journal journal, Clock clock, boolean leased, long promiseNanos) {
        this.notices = notices;
        this.journal = journal;
        this.clock = clock;
        this.leased = leased;
        this.promiseNanos = promiseNanos;
    }

    /** A member's state: whether it claims the master role. */
    void heard(InetAddress member, boolean claimsMaster, long now) {
        if (claimsMaster) {
            claimedAt.put(member, now);
        } else {
            claimedAt.remove(member);
        }
    }

    /** The member resigned or its process died: it claims nothing any more. */
    void gone(InetAddress member) {
        claimedAt.remove(member);
    }

    /**
     * Looks at the members this node sees (itself included). Split brain is raised when two of them claim the role
     * and were heard claiming it lately (where leases hold: within the promise; a master silent for longer has let
     * the VIP go by construction, and its last state is only the last this node heard before a cut); it heals only
     * when at most one claimant is left: heard as something else, resigned, dead, or silent for longer than the
     * promise.
     */
    void observe(List<MemberState> visible, boolean selfMaster, Optional<String> switchoverTarget, long now) {
        // Loops, not streams: this runs on every evaluation, and a stream pipeline costs the client compiler's code
        // several times a loop's (7 % of a fast-profile backup's role thread at rest, measured with JFR).
        List<MemberState> masters = new ArrayList<>(2);
        for (MemberState m : visible) {
            if (m.role() == Role.MASTER) {
                masters.add(m);
            }
        }
        if (leased && !claimedAt.isEmpty()) {
            claimedAt.values().removeIf(at -> now - at > promiseNanos);
        }
        int claimants = (selfMaster ? 1 : 0) + claimedAt.size();
        // This node's own state is never in claimedAt: only members' states are heard.
        long claimingNow = selfMaster ? 1 : 0;
        for (MemberState m : masters) {
            if (claimedAt.containsKey(m.internalAddress())) {
                claimingNow++;
            }
        }
        if (masters.size() > 1 && claimingNow > 1 && !splitBrain) {
            splitBrain = true;
            String names = String.join(",", masters.stream().map(MemberState::name).toList());
            notices.raise(EventType.SPLIT_BRAIN_DETECTED, Cause.SPLIT_BRAIN, Map.of(GuardianEvent.TEXT, names),
                    "split-brain", Severity.CRITICAL, "more than one master: " + names);
        } else if (masters.size() <= 1 && claimants <= 1 && splitBrain) {
            splitBrain = false;
            notices.cleared(EventType.SPLIT_BRAIN_HEALED, "split-brain", Cause.SPLIT_BRAIN, Map.of());
        }
        if (masters.size() == 1) {
            String now1 = masters.get(0).name();
            if (!now1.equals(master)) {
                if (!master.isEmpty() || journal.failoverCount() > 0 || seenBefore) {
                    Cause cause = switchoverTarget.filter(now1::equals).isPresent() ? Cause.SWITCHOVER
                            : Cause.FAILURE;
                    journal.failover(clock.instant(), cause);
                }
                seenBefore = true;
                master = now1;
                // A switchover that failed is moot once another master took over.
                notices.clear("switchover-failed", Cause.ELECTION, Map.of(GuardianEvent.MEMBER, now1));
            }
        } else if (masters.isEmpty() && !master.isEmpty()) {
            master = "";
        }
    }

    /** The master this node sees, or empty. */
    String master() {
        return master;
    }

    /** A master was seen since this node started: a promotion now replaces a failed one. */
    boolean seenBefore() {
        return seenBefore;
    }
}
