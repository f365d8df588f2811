package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.gkguardian.api.ElectionInput;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.api.Role;

/**
 * Which member an operator's switchover goes to, or why it cannot go anywhere: a pure function of what this node
 * sees. Without a name, the election rule ranks the members other than the current master.
 *
 * @param target  the member to hand the master role to, when there is one
 * @param refusal why there is none (or that it is already done)
 */
record SwitchoverTarget(Optional<MemberState> target, Optional<OperatorResult> refusal) {

    static SwitchoverTarget choose(Optional<String> requested, List<MemberState> visible, ElectionRule rule,
            List<InetAddress> configured, Iterable<MemberState> everKnown) {
        Optional<MemberState> master = visible.stream().filter(m -> m.role() == Role.MASTER).findFirst();
        if (requested.isEmpty() || requested.get().isBlank()) {
            List<MemberState> others = visible.stream()
                    .filter(m -> master.map(x -> !x.name().equals(m.name())).orElse(true)).toList();
            Optional<String> best = others.isEmpty() ? Optional.empty()
                    : rule.decide(new ElectionInput(others, true, false)).master();
            return best.map(name -> to(others.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow()))
                    .orElseGet(() -> refused(Outcome.TARGET_NOT_ELIGIBLE, "no other eligible member is reachable"));
        }
        String wanted = requested.get().trim();
        Optional<MemberState> found = visible.stream()
                .filter(m -> m.name().equals(wanted) || m.internalAddress().getHostAddress().equals(wanted))
                .findFirst();
        if (found.isEmpty()) {
            boolean known = configured.stream().anyMatch(a -> a.getHostAddress().equals(wanted));
            for (MemberState m : everKnown) {
                known |= m.name().equals(wanted);
            }
            return known ? refused(Outcome.TARGET_NOT_ELIGIBLE, wanted + " is unreachable")
                    : refused(Outcome.UNKNOWN_TARGET, wanted + " is not a configured member");
        }
        MemberState target = found.get();
        if (master.isPresent() && master.get().name().equals(target.name())) {
            return new SwitchoverTarget(Optional.empty(),
                    Optional.of(new OperatorResult(Outcome.ALREADY_DONE, target.name() + " is already master")));
        }
        if (target.maintenance() || target.role() == Role.MAINTENANCE) {
            return refused(Outcome.TARGET_NOT_ELIGIBLE, target.name() + " is in maintenance");
        }
        if (!target.eligible()) {
            return refused(Outcome.TARGET_NOT_ELIGIBLE,
                    target.name() + " is unhealthy (" + target.role().label() + ")");
        }
        return to(target);
    }

    private static SwitchoverTarget to(MemberState target) {
        return new SwitchoverTarget(Optional.of(target), Optional.empty());
    }

    private static SwitchoverTarget refused(Outcome outcome, String why) {
        return new SwitchoverTarget(Optional.empty(), Optional.of(OperatorResult.refused(outcome, why)));
    }
}
