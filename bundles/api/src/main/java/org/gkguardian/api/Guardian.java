package org.gkguardian.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The guardian as the shell, JMX and SNMP see it: read state, submit operator commands.
 */
@ProviderType
public interface Guardian {

    NodeStatus status();

    /** Every configured member, this node included, in configuration order. */
    List<MemberStatus> members();

    /** The last role transitions of this node, oldest first. */
    List<RoleTransition> history();

    List<Alarm> activeAlarms();

    /**
     * Ask for a planned switchover.
     *
     * @param target the member to become master (by name or internal address), or empty for the best
     *               other eligible member
     */
    OperatorResult switchover(Optional<String> target);

    /** Drain this node (it gives the master role away first) or bring it back. */
    OperatorResult maintenance(boolean on);

    /**
     * Whether the guardian's role thread finished a step recently (within the lease, or is busy with a bounded
     * action such as a VIP bind). The launcher's keep-alives follow it, so that a deadlocked guardian is killed and
     * its VIP released rather than kept by a thread that no longer enforces the lease.
     */
    default boolean progressing() {
        return true;
    }

    /**
     * While this node is master: the longest its whole process may stand still (SIGSTOP, a stalled JVM) before its
     * launcher must have killed it and released the VIP, so that the address is gone before the voters are free to
     * elect another master (the voters' promise less the lease and the launcher's release allowance, plus what is
     * left of the lease when the limit is asked for: the process lets the VIP go at its end only if it runs). Empty when
     * the launcher's own timeout is enough, as on a backup, which holds no VIP.
     */
    default Optional<Duration> watchdogLimit() {
        return Optional.empty();
    }
}
