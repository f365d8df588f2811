package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.gkguardian.api.GatekeeperControl;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.GuardianListener;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipControl;
import org.gkguardian.api.VipStatus;

/** Test doubles for the edges; every action lands in one shared, ordered log. */
final class Fakes {

    private Fakes() {
    }

    static final class Ops {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());

        void add(String s) {
            log.add(s);
        }

        List<String> snapshot() {
            synchronized (log) {
                return List.copyOf(log);
            }
        }
    }

    static final class Gatekeeper implements GatekeeperControl {
        final Ops ops;
        final String node;
        volatile GatekeeperState state = GatekeeperState.UNMANAGED;
        volatile boolean failPrepare;
        /** A cold standby: stopped on a backup, running once prepared. */
        volatile boolean cold;
        volatile Runnable healthListener = () -> { };

        Gatekeeper(Ops ops, String node) {
            this.ops = ops;
            this.node = node;
        }

        @Override
        public GatekeeperState state() {
            return state;
        }

        @Override
        public void prepareMaster(RoleContext context) throws GatekeeperException {
            ops.add(node + ":prepare:" + context.epoch());
            if (failPrepare) {
                throw new GatekeeperException("does not start");
            }
            if (cold) {
                state = GatekeeperState.RUNNING;
            }
        }

        @Override
        public void standDown(RoleContext context) {
            ops.add(node + ":standDown");
            if (cold && context.role() != org.gkguardian.api.Role.MASTER) {
                state = GatekeeperState.STOPPED;
            }
        }

        /** From now on a cold standby, stopped. */
        void coldStandby() {
            cold = true;
            state = GatekeeperState.STOPPED;
        }

        @Override
        public String configDigest() {
            return "";
        }

        @Override
        public void setHealthListener(Runnable onHealthChange) {
            healthListener = onHealthChange;
        }

        void set(GatekeeperState s) {
            state = s;
            healthListener.run();
        }
    }

    static final class Vip implements VipControl {
        final Ops ops;
        final String node;
        volatile boolean bound;
        volatile boolean conflict;
        volatile boolean failBind;
        volatile String releaseProblem = "";
        /** Whether another host answers for the VIP on the public side, as the duplicate-address check sees it. */
        volatile java.util.function.BooleanSupplier answeredElsewhere = () -> false;
        final VipAddress vip;

        /** How long the duplicate-address check started ahead of a bind takes; ZERO: no such check. */
        volatile java.time.Duration probeTime = java.time.Duration.ZERO;

        Vip(Ops ops, String node) {
            this.ops = ops;
            this.node = node;
            try {
                vip = new VipAddress(InetAddress.getByName("203.0.113.10"), 24, "eth1");
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<VipAddress> configured() {
            return List.of(vip);
        }

        @Override
        public void bind(RoleContext context) throws VipException {
            if (conflict || answeredElsewhere.getAsBoolean()) {
                ops.add(node + ":bindConflict");
                throw new VipException("203.0.113.10 answered by 02:00:00:00:00:01", true);
            }
            if (failBind) {
                ops.add(node + ":bindFailed");
                throw new VipException("ip: RTNETLINK answers: Operation not permitted", false);
            }
            bound = true;
            ops.add(node + ":bind:" + context.epoch());
        }

        @Override
        public void probeAhead() {
            ops.add(node + ":probeAhead");
        }

        @Override
        public java.time.Duration probeTime() {
            return probeTime;
        }

        @Override
        public void bindHandedOver(RoleContext context) throws VipException {
            if (failBind) {
                ops.add(node + ":bindFailed");
                throw new VipException("ip: RTNETLINK answers: Operation not permitted", false);
            }
            bound = true;
            ops.add(node + ":bindHandedOver:" + context.epoch());
        }

        @Override
        public void release() {
            bound = false;
            ops.add(node + ":release");
        }

        @Override
        public void announce() {
        }

        @Override
        public java.util.Optional<String> releaseProblem() {
            return releaseProblem.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(releaseProblem);
        }

        @Override
        public List<VipStatus> status() {
            return List.of(new VipStatus(vip, bound, ""));
        }
    }

    static final class Listener implements GuardianListener {
        final List<RoleTransition> transitions = Collections.synchronizedList(new ArrayList<>());
        final List<GuardianEvent> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void roleChanged(RoleTransition transition) {
            transitions.add(transition);
        }

        @Override
        public void eventRaised(GuardianEvent event) {
            events.add(event);
        }
    }

    /** A voter's ballot kept in memory, for tests of one {@link Agreement} (the product keeps it on disk). */
    static final class MemoryBallotBox implements Agreement.BallotBox {
        private Agreement.Ballot ballot = Agreement.Ballot.NONE;

        @Override
        public Agreement.Ballot ballot() {
            return ballot;
        }

        @Override
        public void vote(Agreement.Ballot b) {
            ballot = b;
        }
    }

    /** Publishes synchronously into a listener. */
    static final class DirectPublisher implements Publisher {
        final Listener listener = new Listener();

        @Override
        public void transition(RoleTransition transition) {
            listener.roleChanged(transition);
        }

        @Override
        public void event(GuardianEvent event) {
            listener.eventRaised(event);
        }
    }
}
