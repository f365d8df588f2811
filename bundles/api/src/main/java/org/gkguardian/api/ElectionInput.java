package org.gkguardian.api;

import java.util.List;
import java.util.Optional;

/**
 * Everything the election rule may look at: the members this node can see (itself included),
 * whether they hold quorum, and the preemption policy. No clock, no I/O.
 *
 * @param visibleMembers the members in this node's partition, itself included
 * @param quorate        this partition holds quorum under the configured policy
 * @param preempt        a better member that asks for it takes over from a healthy master
 * @param switchoverTo   an operator asked for this member to become master, if any
 */
public record ElectionInput(List<MemberState> visibleMembers, boolean quorate, boolean preempt,
        Optional<String> switchoverTo) {

    public ElectionInput {
        visibleMembers = List.copyOf(visibleMembers);
        switchoverTo = switchoverTo == null ? Optional.empty() : switchoverTo;
    }

    public ElectionInput(List<MemberState> visibleMembers, boolean quorate, boolean preempt) {
        this(visibleMembers, quorate, preempt, Optional.empty());
    }
}
