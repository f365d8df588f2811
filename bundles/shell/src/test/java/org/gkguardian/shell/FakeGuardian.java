package org.gkguardian.shell;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.MirrorControl;
import org.gkguardian.api.MirrorMemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.Severity;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipStatus;

/** A guardian with fixed, known state: node2 is master of a three-node cluster, node3 is unhealthy. */
public class FakeGuardian implements Guardian, MirrorControl {

    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    public NodeStatus status = new NodeStatus("node2", address("198.51.100.2"), 150, Role.MASTER, T0.plusSeconds(60), 7,
            Optional.of("node2"), Optional.of(address("198.51.100.2")),
            List.of(new VipStatus(new VipAddress(address("203.0.113.10"), 24, "gk0"), true, "")), QuorumState.QUORATE,
            Duration.ofMillis(1500), GatekeeperState.RUNNING, "ab12", 2, Optional.of(T0.plusSeconds(60)),
            Optional.of(Cause.FAILURE), true, "");

    public List<MemberStatus> members = List.of(
            member(1, "node1", "198.51.100.1", Role.BACKUP, true, 100),
            member(2, "node2", "198.51.100.2", Role.MASTER, true, 150),
            member(3, "node3", "198.51.100.3", Role.FAULT, false, 100));

    public List<RoleTransition> history = List.of(
            new RoleTransition("node2", Role.INITIALIZING, Role.BACKUP, 6, Cause.ELECTION, T0, Duration.ofMillis(3),
                    "node3", "node3 wins with priority 100"),
            new RoleTransition("node2", Role.BACKUP, Role.MASTER, 7, Cause.FAILURE, T0.plusSeconds(60),
                    Duration.ofMillis(420), "node2", "master [node3] is no longer eligible"));

    public List<Alarm> alarms = List.of(new Alarm("member-down:node3", Severity.MAJOR, EventType.GATEKEEPER_FAULT,
            T0.plusSeconds(59), "the gatekeeper of node3 does not answer"));

    public OperatorResult answer = OperatorResult.accepted("node1 becomes master");

    /** node1 matches the master's files, node3 has other ones since a minute after T0. */
    public List<MirrorMemberStatus> mirror = List.of(
            new MirrorMemberStatus(1, "node1", address("198.51.100.1"), false, "ab12", true, Optional.of(T0.plusSeconds(61))),
            new MirrorMemberStatus(2, "node2", address("198.51.100.2"), true, "ab12", true, Optional.of(T0.plusSeconds(61))),
            new MirrorMemberStatus(3, "node3", address("198.51.100.3"), false, "cd34", false, Optional.of(T0.plusSeconds(1))));

    /** What the commands asked for, in order, e.g. {@code switchover Optional[node1]}. */
    public final List<String> requests = new ArrayList<>();

    @Override
    public NodeStatus status() {
        return status;
    }

    @Override
    public List<MemberStatus> members() {
        return members;
    }

    @Override
    public List<RoleTransition> history() {
        return history;
    }

    @Override
    public List<Alarm> activeAlarms() {
        return alarms;
    }

    @Override
    public OperatorResult switchover(Optional<String> target) {
        requests.add("switchover " + target);
        return answer;
    }

    @Override
    public OperatorResult maintenance(boolean on) {
        requests.add("maintenance " + on);
        return answer;
    }

    @Override
    public List<MirrorMemberStatus> mirrorStatus() {
        return mirror;
    }

    @Override
    public OperatorResult push() {
        requests.add("push");
        return answer;
    }

    private static MemberStatus member(int index, String name, String address, Role role, boolean healthy, int priority) {
        MemberState state = new MemberState(name, address(address), priority, healthy, role, 7, false, "ab12", false);
        return new MemberStatus(index, name, address(address), true, Optional.of(T0.plusSeconds(61)), Optional.of(state),
                healthy ? GatekeeperState.RUNNING : GatekeeperState.FAILED);
    }

    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
