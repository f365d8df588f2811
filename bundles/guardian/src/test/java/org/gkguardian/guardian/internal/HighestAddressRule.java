package org.gkguardian.guardian.internal;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ElectionInput;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;

/**
 * A stand-in for the election bundle's rule: the patent's highest address (after priority), keeping a healthy
 * master unless preemption is on and a better member asks, honouring an operator's switchover.
 */
final class HighestAddressRule implements ElectionRule {

    static final Comparator<MemberState> BETTER = Comparator.comparingInt(MemberState::priority)
            .thenComparing(m -> new BigInteger(1, m.internalAddress().getAddress()));

    @Override
    public ElectionResult decide(ElectionInput input) {
        if (!input.quorate()) {
            return ElectionResult.none(Cause.QUORUM, "no quorum");
        }
        List<MemberState> eligible = input.visibleMembers().stream().filter(MemberState::eligible).toList();
        if (eligible.isEmpty()) {
            return ElectionResult.none(Cause.FAILURE, "nobody eligible");
        }
        if (input.switchoverTo().isPresent()) {
            Optional<MemberState> t = eligible.stream().filter(m -> m.name().equals(input.switchoverTo().get()))
                    .findFirst();
            if (t.isPresent()) {
                return ElectionResult.of(t.get().name(), Cause.SWITCHOVER, "switchover");
            }
        }
        MemberState best = eligible.stream().max(BETTER).orElseThrow();
        Optional<MemberState> master = eligible.stream().filter(m -> m.role() == Role.MASTER)
                .max(Comparator.comparingLong(MemberState::epoch).thenComparing(BETTER));
        if (master.isPresent()) {
            boolean preempting = input.preempt() && best != master.get() && best.preemptRequested()
                    && BETTER.compare(best, master.get()) > 0;
            if (!preempting) {
                return ElectionResult.of(master.get().name(), Cause.ELECTION, "keeps the master");
            }
            return ElectionResult.of(best.name(), Cause.PREEMPTION, "preempted by a better member");
        }
        return ElectionResult.of(best.name(), Cause.ELECTION, "highest address");
    }
}
