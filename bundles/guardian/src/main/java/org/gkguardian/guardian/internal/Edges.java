package org.gkguardian.guardian.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.gkguardian.api.GatekeeperControl;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gatekeeper and the VIP as the role thread acts on them: nothing they throw gets into the role machine, and while
 * a bounded action runs (a gatekeeper start, a bind) the thread counts as busy, not stuck.
 */
final class Edges {

    private static final Logger LOG = LoggerFactory.getLogger(Edges.class);

    /** An action at the edge that may fail. */
    @FunctionalInterface
    interface Action<E extends Exception> {
        void run() throws E;
    }

    private final String nodeName;
    private final GatekeeperControl gatekeeper;
    private final VipControl vip;
    private final Outbox outbox;
    private final LongSupplier nanos;
    private final Liveness liveness;

    Edges(String nodeName, GatekeeperControl gatekeeper, VipControl vip, Outbox outbox, LongSupplier nanos,
            Liveness liveness) {
        this.nodeName = nodeName;
        this.gatekeeper = gatekeeper;
        this.vip = vip;
        this.outbox = outbox;
        this.nanos = nanos;
        this.liveness = liveness;
    }

    /** Runs a bounded action at the edge (gatekeeper start, VIP bind): the role thread is busy, not stuck. */
    <E extends Exception> void run(Action<E> action) throws E {
        liveness.busy(nanos.getAsLong());
        try {
            action.run();
        } finally {
            // Busy is not paused: the lease itself tells whether the others moved on meanwhile.
            liveness.idle(nanos.getAsLong());
        }
    }

    GatekeeperState gatekeeperState() {
        try {
            return Objects.requireNonNullElse(gatekeeper.state(), GatekeeperState.UNKNOWN);
        } catch (RuntimeException e) {
            LOG.warn("Gatekeeper state unavailable: {}", e.toString());
            return GatekeeperState.FAILED;
        }
    }

    String configDigest() {
        try {
            return Objects.requireNonNullElse(gatekeeper.configDigest(), "");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Gets the gatekeeper ready to serve as master, as an action at the edge. */
    void prepareMaster(RoleContext context) throws GatekeeperControl.GatekeeperException {
        run(() -> gatekeeper.prepareMaster(context));
    }

    void standDown(RoleContext context) {
        try {
            gatekeeper.standDown(context);
        } catch (RuntimeException e) {
            LOG.error("Gatekeeper stand-down failed: {}", e.toString());
        }
    }

    /**
     * Releases the VIP, then resigns: only with the VIP gone may the voters turn to someone else, and they should not
     * wait for the gatekeeper to stop first (a switchover's outage). A release not verified yet sends no resignation:
     * the voters' promise runs out instead.
     */
    void releaseThenResign(Optional<Wire.Resign> resign, long epoch) {
        vip.release();
        Optional<String> problem = vip.releaseProblem();
        if (problem.isEmpty()) {
            resign.ifPresent(outbox::send);
        } else {
            LOG.error("{} does not resign as master of epoch {}: its VIP release is not verified ({}); the voters wait "
                    + "for their promise to run out", nodeName, epoch, problem.get());
        }
    }
}
