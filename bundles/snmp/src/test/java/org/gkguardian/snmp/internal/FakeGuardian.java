package org.gkguardian.snmp.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.gkguardian.api.Alarm;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.GuardianListener;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.Severity;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipStatus;

/**
 * A test double of the guardian: three members, node1 (this node, master), node2 (healthy backup)
 * and node3 (fault). A switchover to an eligible member moves the master and publishes MASTER_CHANGED
 * to the registered listeners, as the real guardian does.
 */
final class FakeGuardian implements Guardian {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final List<GuardianListener> listeners = new CopyOnWriteArrayList<>();
    private final List<RoleTransition> history = new CopyOnWriteArrayList<>();
    private volatile String master = "node1";
    private volatile Role ownRole = Role.MASTER;
    private volatile long epoch = 7;
    private volatile long failovers = 0;
    private volatile List<VipStatus> vips = List.of();
    private volatile boolean maintenance;
    private volatile long switchoverDelayMillis;
    private final java.util.concurrent.atomic.AtomicInteger switchovers = new java.util.concurrent.atomic.AtomicInteger();

    FakeGuardian() {
        history.add(new RoleTransition("node1", Role.INITIALIZING, Role.BACKUP, 6, Cause.STARTUP, T0, Duration.ZERO,
                "", "started"));
        history.add(new RoleTransition("node1", Role.BACKUP, Role.MASTER, 7, Cause.ELECTION, T0.plusSeconds(2),
                Duration.ofMillis(40), "node1", "highest address"));
    }

    /** Publishes an event to the listeners, as the guardian does when it raises or clears an alarm. */
    void publish(GuardianEvent event) {
        listeners.forEach(l -> l.eventRaised(event));
    }

    void addListener(GuardianListener listener) {
        listeners.add(listener);
    }

    void setVips(List<VipStatus> vips) {
        this.vips = List.copyOf(vips);
    }

    String master() {
        return master;
    }

    /** How many switchovers were submitted, whatever their outcome. */
    int switchovers() {
        return switchovers.get();
    }

    /** A switchover that takes this long to answer, as a real one does while the VIP moves. */
    void slowSwitchover(long millis) {
        switchoverDelayMillis = millis;
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static VipStatus vip(String literal, boolean bound) {
        return new VipStatus(new VipAddress(address(literal), 24, "lo"), bound, "");
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus("node1", address("198.51.100.3"), 100, ownRole, T0.plusSeconds(2), epoch,
                Optional.of(master), Optional.of(address(master.equals("node1") ? "198.51.100.3" : "198.51.100.2")),
                vips, QuorumState.QUORATE, Duration.ofSeconds(3), GatekeeperState.RUNNING, "ab12", failovers,
                failovers == 0 ? Optional.empty() : Optional.of(T0.plusSeconds(60)),
                failovers == 0 ? Optional.empty() : Optional.of(Cause.SWITCHOVER), true, "");
    }

    @Override
    public List<MemberStatus> members() {
        List<MemberStatus> members = new ArrayList<>();
        members.add(member(1, "node1", "198.51.100.3", ownRole, true, GatekeeperState.RUNNING));
        members.add(member(2, "node2", "198.51.100.2", master.equals("node2") ? Role.MASTER : Role.BACKUP, true,
                GatekeeperState.RUNNING));
        members.add(member(3, "node3", "198.51.100.1", Role.FAULT, false, GatekeeperState.FAILED));
        return members;
    }

    private MemberStatus member(int index, String name, String address, Role role, boolean healthy,
            GatekeeperState gatekeeper) {
        MemberState state = new MemberState(name, address(address), 100, healthy, role, epoch, false, "ab12", false);
        return new MemberStatus(index, name, address(address), true, Optional.of(T0.plusSeconds(100)),
                Optional.of(state), gatekeeper);
    }

    @Override
    public List<RoleTransition> history() {
        return List.copyOf(history);
    }

    @Override
    public List<Alarm> activeAlarms() {
        return List.of(new Alarm("member-down:node3", Severity.MAJOR, EventType.MEMBER_DOWN, T0.plusSeconds(30),
                "node3 is in fault"));
    }

    @Override
    public synchronized OperatorResult switchover(Optional<String> target) {
        switchovers.incrementAndGet();
        if (switchoverDelayMillis > 0) {
            try {
                Thread.sleep(switchoverDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // No target: the best other eligible member than the master, as the guardian chooses (node3 is in fault).
        String to = target.orElse(master.equals("node2") ? "node1" : "node2");
        if (to.equals(master)) {
            return new OperatorResult(OperatorResult.Outcome.ALREADY_DONE, to + " is master already");
        }
        if (to.equals("node3")) {
            return OperatorResult.refused(OperatorResult.Outcome.TARGET_NOT_ELIGIBLE, "node3 is in fault");
        }
        if (!to.equals("node1") && !to.equals("node2")) {
            return OperatorResult.refused(OperatorResult.Outcome.UNKNOWN_TARGET, "no member " + to);
        }
        String old = master;
        master = to;
        epoch++;
        failovers++;
        Role before = ownRole;
        ownRole = to.equals("node1") ? Role.MASTER : Role.BACKUP;
        RoleTransition transition = new RoleTransition("node1", before, ownRole, epoch, Cause.SWITCHOVER, Instant.now(),
                Duration.ofMillis(12), to, "operator switchover");
        history.add(transition);
        GuardianEvent event = new GuardianEvent(EventType.MASTER_CHANGED, "node1", epoch, Cause.SWITCHOVER,
                Instant.now(), Map.of(GuardianEvent.OLD_MASTER, old, GuardianEvent.NEW_MASTER, to,
                        GuardianEvent.TEXT, "switchover to " + to));
        for (GuardianListener l : listeners) {
            l.roleChanged(transition);
            l.eventRaised(event);
        }
        return OperatorResult.accepted("switching over to " + to);
    }

    @Override
    public OperatorResult maintenance(boolean on) {
        if (maintenance == on) {
            return new OperatorResult(OperatorResult.Outcome.ALREADY_DONE, "already " + (on ? "in" : "out of") + " maintenance");
        }
        maintenance = on;
        ownRole = on ? Role.MAINTENANCE : Role.BACKUP;
        return OperatorResult.accepted(on ? "draining" : "back in service");
    }
}
