package org.gkguardian.guardian.internal;

import java.util.List;
import java.util.Optional;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;

/**
 * What this node does about the election's result, and why: a pure function of what it sees. The role machine
 * carries it out.
 *
 * @param kind   what to do
 * @param cause  the cause of the transition (for {@link Kind#LET_GO} and {@link Kind#STAND})
 * @param detail why, for the log and the transition; for the waits, the member waited for
 */
record ElectionAction(Kind kind, Cause cause, String detail) {

    enum Kind {
        /** Nothing changes. */
        NOTHING,
        /** The master keeps the VIP until the switchover's target's gatekeeper answers. */
        WAIT_FOR_TARGET,
        /** The master lets the role go. */
        LET_GO,
        /** Elected, while another member still holds the role: wait for it to let go. */
        WAIT_FOR_HOLDER,
        /** As {@link #WAIT_FOR_HOLDER}, getting the gatekeeper ready for the switchover to this node first. */
        PREPARE_AND_WAIT,
        /** Stand for the master role. */
        STAND,
        /** Stop standing: the election chose another. */
        STOP_STANDING
    }

    /**
     * What this node sees when it acts on the election.
     *
     * @param visible          the members the election looked at, this node included
     * @param switchover       the operator's switchover in force (its target holds it too), if any
     * @param targetReady      the switchover's target's gatekeeper answers
     * @param prepared         this node's gatekeeper was made ready for a switchover to it
     * @param mayStand         quorate, healthy, not in maintenance, not distrusting what it hears
     * @param seenMasterBefore a master was seen since this node started
     */
    record Situation(String me, Role role, List<MemberState> visible, Optional<Switchovers.Pending> switchover,
            boolean targetReady, boolean prepared, boolean standing, boolean maintenance, boolean mayStand,
            boolean seenMasterBefore) {
    }

    static ElectionAction decide(Situation s, ElectionResult result) {
        boolean chosen = result.master().filter(s.me()::equals).isPresent();
        Optional<String> target = s.switchover().map(Switchovers.Pending::target);
        if (s.role() == Role.MASTER && !chosen && target.isPresent() && !s.maintenance()
                && result.master().equals(target) && !s.targetReady()) {
            // A hand-over, not a failure: the VIP stays here until the target's gatekeeper answers, so that the
            // clients' outage is the votes and the bind, not a gatekeeper's start.
            return new ElectionAction(Kind.WAIT_FOR_TARGET, result.cause(), target.get());
        }
        if (s.role() == Role.MASTER && !chosen) {
            return new ElectionAction(Kind.LET_GO, demotionCause(s, result), result.reason().isEmpty()
                    ? "the election chose " + result.master().orElse("nobody") : result.reason());
        }
        if (s.role() != Role.MASTER && chosen && s.mayStand()) {
            Optional<MemberState> holder = s.visible().stream()
                    .filter(m -> m.role() == Role.MASTER && !m.name().equals(s.me())).findFirst();
            if (holder.isPresent()) {
                boolean prepare = target.filter(s.me()::equals).isPresent() && !s.prepared();
                return new ElectionAction(prepare ? Kind.PREPARE_AND_WAIT : Kind.WAIT_FOR_HOLDER, result.cause(),
                        holder.get().name());
            }
            return new ElectionAction(Kind.STAND, promotionCause(s, result), result.reason());
        }
        if (s.role() != Role.MASTER && !chosen && s.standing()) {
            return new ElectionAction(Kind.STOP_STANDING, result.cause(),
                    "the election chose " + result.master().orElse("nobody"));
        }
        return new ElectionAction(Kind.NOTHING, result.cause(), "");
    }

    private static Cause promotionCause(Situation s, ElectionResult result) {
        if (s.switchover().filter(p -> p.target().equals(s.me())).isPresent()) {
            return Cause.SWITCHOVER;
        }
        if (s.seenMasterBefore()) {
            return result.cause() == Cause.PREEMPTION ? Cause.PREEMPTION : Cause.FAILURE;
        }
        return Cause.ELECTION;
    }

    private static Cause demotionCause(Situation s, ElectionResult result) {
        if (s.maintenance()) {
            return Cause.MAINTENANCE;
        }
        if (s.switchover().isPresent()) {
            return Cause.SWITCHOVER;
        }
        boolean otherMaster = s.visible().stream()
                .anyMatch(m -> m.role() == Role.MASTER && !m.name().equals(s.me()));
        if (otherMaster) {
            return Cause.SPLIT_BRAIN;
        }
        if (s.visible().stream().anyMatch(MemberState::preemptRequested)) {
            return Cause.PREEMPTION;
        }
        return result.cause();
    }
}
