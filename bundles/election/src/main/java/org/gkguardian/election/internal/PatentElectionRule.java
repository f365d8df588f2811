package org.gkguardian.election.internal;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ElectionInput;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;
import org.osgi.service.component.annotations.Component;

/**
 * The patent's election rule and the rules GK Guardian adds to it, as a pure function: no clock,
 * no I/O, no state. Every member that sees the same members (in any order) decides the same.
 *
 * <p>The rules, in the order they are applied:
 * <ol>
 * <li>A partition without quorum has no master ({@link Cause#QUORUM}).</li>
 * <li>Only eligible members ({@link MemberState#eligible()}) may be master; without one there is
 * no master ({@link Cause#HEALTH}, or the cause of the old master's loss, see below).</li>
 * <li>An operator's switchover target becomes master when it is eligible ({@link Cause#SWITCHOVER});
 * otherwise the request is not honoured and the other rules decide.</li>
 * <li>Stickiness: an eligible member holding the master role keeps it. When several eligible members
 * claim it (a healed partition), the claim with the highest epoch wins, then the patent order
 * ({@link Cause#SPLIT_BRAIN} whenever more than one member claims the role).</li>
 * <li>Preemption (only when on): the best eligible member by the patent order takes over from the
 * master when it asks to ({@link MemberState#preemptRequested()}), i.e. once it has been eligible
 * for the preempt delay ({@link Cause#PREEMPTION}). Only the best may preempt, so a returning node
 * causes one switchover, not a cascade.</li>
 * <li>Otherwise the patent's rule: the best eligible member by {@link PatentOrder} (priority, then
 * the highest internal address, then the name). The cause says why a master is needed:
 * {@link Cause#MAINTENANCE} when the member that held the role was drained by an operator,
 * {@link Cause#FAILURE} when it became ineligible or is gone (some member is a backup, so a master
 * existed), and {@link Cause#ELECTION} for a first election.</li>
 * </ol>
 */
@Component(service = ElectionRule.class)
public final class PatentElectionRule implements ElectionRule {

    @Override
    public ElectionResult decide(ElectionInput input) {
        if (!input.quorate()) {
            return ElectionResult.none(Cause.QUORUM, "this partition does not hold quorum, so nobody may be master");
        }
        List<MemberState> visible = input.visibleMembers();
        List<MemberState> claimants = visible.stream().filter(m -> m.role() == Role.MASTER).toList();
        List<MemberState> eligible = visible.stream().filter(MemberState::eligible).toList();

        Optional<MemberState> best = eligible.stream().max(PatentOrder.BETTER);
        if (best.isEmpty()) {
            Cause cause = claimants.isEmpty() ? Cause.HEALTH : causeOfLoss(claimants);
            return ElectionResult.none(cause, "no eligible member among " + names(visible));
        }

        Optional<ElectionResult> switchover = input.switchoverTo().flatMap(target -> eligible.stream()
                .filter(m -> m.name().equals(target))
                .findAny()
                .map(m -> ElectionResult.of(target, Cause.SWITCHOVER, "operator switchover to " + target)));
        if (switchover.isPresent()) {
            return switchover.get();
        }

        Optional<MemberState> incumbent = eligible.stream().filter(m -> m.role() == Role.MASTER)
                .max(PatentOrder.STRONGER_CLAIM);
        if (incumbent.isPresent()) {
            return keepOrPreempt(input, incumbent.get(), best.get(), claimants);
        }

        MemberState winner = best.get();
        String rank = describe(winner);
        if (!claimants.isEmpty()) {
            return ElectionResult.of(winner.name(), causeOfLoss(claimants),
                    "master " + names(claimants) + " is no longer eligible; " + rank);
        }
        if (visible.stream().anyMatch(m -> m.role() == Role.BACKUP)) {
            return ElectionResult.of(winner.name(), Cause.FAILURE, "no master is visible any more; " + rank);
        }
        return ElectionResult.of(winner.name(), Cause.ELECTION, "first election; " + rank);
    }

    private static ElectionResult keepOrPreempt(ElectionInput input, MemberState incumbent, MemberState best,
            List<MemberState> claimants) {
        if (input.preempt() && best.preemptRequested() && !best.name().equals(incumbent.name())
                && PatentOrder.BETTER.compare(best, incumbent) > 0) {
            return ElectionResult.of(best.name(), Cause.PREEMPTION,
                    best.name() + " preempts " + incumbent.name() + "; " + describe(best));
        }
        long distinctClaimants = claimants.stream().map(MemberState::name).distinct().count();
        if (distinctClaimants > 1) {
            return ElectionResult.of(incumbent.name(), Cause.SPLIT_BRAIN, names(claimants)
                    + " all claim the master role; " + incumbent.name() + " keeps it with epoch " + incumbent.epoch());
        }
        return ElectionResult.of(incumbent.name(), Cause.ELECTION,
                incumbent.name() + " holds the master role and keeps it");
    }

    /** Why the members that claimed the master role lost it: drained by an operator, or failed. */
    private static Cause causeOfLoss(List<MemberState> claimants) {
        List<MemberState> lost = claimants.stream().filter(m -> !m.eligible()).toList();
        boolean allDrained = !lost.isEmpty() && lost.stream().allMatch(m -> m.maintenance() && m.healthy());
        return allDrained ? Cause.MAINTENANCE : Cause.FAILURE;
    }

    private static String describe(MemberState winner) {
        return winner.name() + " wins with priority " + winner.priority() + " and address "
                + winner.internalAddress().getHostAddress();
    }

    /** Sorted, so that the reason does not depend on the order of the input. */
    private static String names(List<MemberState> members) {
        return members.stream().map(MemberState::name).distinct().sorted()
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
