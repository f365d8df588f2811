package org.gkguardian.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The public addresses (provided by the ipbinding bundle). Binding checks for a conflicting host,
 * binds, announces and reads the interface back; releasing is idempotent and never throws.
 */
@ProviderType
public interface VipControl {

    /** The configured VIPs. */
    List<VipAddress> configured();

    /**
     * Bind every VIP, announce it and verify it is on its interface.
     *
     * @throws VipException when another host answers for a VIP (nothing is bound then), or a bind fails
     */
    void bind(RoleContext context) throws VipException;

    /**
     * Bind after a hand-over: the master of the previous epoch released the VIP, verified it gone and said so (a
     * planned switchover, maintenance or preemption), and the voters then granted this node the next epoch. No other
     * guardian can hold the VIP, so the duplicate address check's window is not waited for: a switchover's outage is
     * the votes and the add. Anything else is as {@link #bind(RoleContext)}.
     *
     * @throws VipException when a bind fails
     */
    default void bindHandedOver(RoleContext context) throws VipException {
        bind(context);
    }

    /**
     * A promotion may follow: start the duplicate address check now, while the gatekeeper gets ready and the votes are
     * counted, so that a bind soon after takes its answer instead of waiting a whole probe window. Binds nothing, never
     * throws; a bind that comes too late for it probes again.
     */
    default void probeAhead() {
    }

    /**
     * How long a check started by {@link #probeAhead()} takes to give its answer, so that a candidate can start it to
     * end when the bind may happen (not earlier: a holder about to let go would still be seen).
     */
    default Duration probeTime() {
        return Duration.ZERO;
    }

    /** Release every VIP carrying our label; verify they are gone. */
    void release();

    /** Re-announce bound VIPs, e.g. after a partition healed. */
    void announce();

    /** Each configured VIP and whether it is bound now. Answers from memory: never forks, never blocks. */
    List<VipStatus> status();

    /**
     * Why a release has not taken yet: set from the first release() that could not verify its VIPs gone
     * (they are still bound here, so every other node's duplicate address check refuses them) until a retry
     * succeeds; the provider retries with back-off by itself. Empty while no release is failing.
     */
    default Optional<String> releaseProblem() {
        return Optional.empty();
    }

    class VipException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean conflict;

        public VipException(String message, boolean conflict) {
            super(message);
            this.conflict = conflict;
        }

        /** Another host answers for the address. */
        public boolean conflict() {
            return conflict;
        }
    }
}
