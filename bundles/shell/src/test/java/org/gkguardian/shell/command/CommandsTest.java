package org.gkguardian.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.support.CommandException;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.shell.FakeGuardian;
import org.junit.jupiter.api.Test;

/** Each command against a guardian with known state: construct, inject, execute, read the console. */
class CommandsTest {

    private final FakeGuardian guardian = new FakeGuardian();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    private String output() {
        return console.toString(StandardCharsets.UTF_8);
    }

    private static void assertContainsLine(String output, String regex) {
        assertTrue(output.lines().anyMatch(l -> l.matches(regex)), () -> "no line matches " + regex + " in:\n" + output);
    }

    @Test
    void statusShowsRoleEpochMasterVipsQuorumLeaseAndGatekeeper() throws Exception {
        StatusCommand command = new StatusCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        String o = output();
        assertContainsLine(o, "Node +node2 \\(198\\.51\\.100\\.2, priority 150\\)");
        assertContainsLine(o, "Role +master since 2026-11-25 10:01:00\\.000Z");
        assertContainsLine(o, "Epoch +7");
        assertContainsLine(o, "Master +node2 \\(198\\.51\\.100\\.2\\)");
        assertContainsLine(o, "VIPs +203\\.0\\.113\\.10/24 dev gk0 bound");
        assertContainsLine(o, "Quorum +quorate");
        assertContainsLine(o, "Lease +1500 ms");
        assertContainsLine(o, "Gatekeeper +running");
        assertContainsLine(o, "Failovers +2, last at 2026-11-25 10:01:00\\.000Z \\(failure\\)");
        assertContainsLine(o, "Configured +yes");
        assertContainsLine(o, "Problem +none");
    }

    @Test
    void statusOfAnUnconfiguredNodeShowsItsProblemAndNoMaster() throws Exception {
        var s = guardian.status;
        guardian.status = new org.gkguardian.api.NodeStatus(s.name(), s.internalAddress(), s.priority(),
                org.gkguardian.api.Role.INITIALIZING, s.roleSince(), 0, Optional.empty(), Optional.empty(), List.of(),
                org.gkguardian.api.QuorumState.UNKNOWN, null, org.gkguardian.api.GatekeeperState.UNKNOWN, "", 0,
                Optional.empty(), Optional.empty(), false, "priority: not a number: abc");
        StatusCommand command = new StatusCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        String o = output();
        assertContainsLine(o, "Master +none");
        assertContainsLine(o, "VIPs +none configured");
        assertContainsLine(o, "Configured +no");
        assertContainsLine(o, "Problem +priority: not a number: abc");
    }

    @Test
    void membersListsEveryMemberInATableAndMarksTheMaster() throws Exception {
        MembersCommand command = new MembersCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        String o = output();
        assertContainsLine(o, ".*#.*Name.*Address.*Role.*Master.*Prio.*Epoch.*Eligible.*Gatekeeper.*Reachable.*Last heard.*");
        assertContainsLine(o, ".*1.*node1.*198\\.51\\.100\\.1.*backup.*100.*7.*yes.*running.*yes.*");
        assertContainsLine(o, ".*2.*node2.*198\\.51\\.100\\.2.*master.*\\*.*150.*7.*yes.*running.*yes.*");
        assertContainsLine(o, ".*3.*node3.*198\\.51\\.100\\.3.*fault.*no \\(unhealthy\\).*failed.*");
    }

    @Test
    void switchoverToANamedMemberReportsAcceptance() throws Exception {
        SwitchoverCommand command = new SwitchoverCommand();
        command.guardian = guardian;
        command.out = out;
        command.member = "node1";
        command.execute();
        assertEquals(List.of("switchover Optional[node1]"), guardian.requests);
        assertContainsLine(output(), "Switchover to node1 accepted: node1 becomes master");
    }

    @Test
    void switchoverWithoutMemberAsksForTheBestOtherMember() throws Exception {
        SwitchoverCommand command = new SwitchoverCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        assertEquals(List.of("switchover Optional.empty"), guardian.requests);
    }

    @Test
    void aRefusedSwitchoverFailsTheCommandWithTheReason() {
        guardian.answer = OperatorResult.refused(Outcome.TARGET_NOT_ELIGIBLE, "node3 is unhealthy");
        SwitchoverCommand command = new SwitchoverCommand();
        command.guardian = guardian;
        command.out = out;
        command.member = "node3";
        CommandException e = assertThrows(CommandException.class, command::execute);
        assertEquals("Switchover to node3 refused (target not eligible): node3 is unhealthy", e.getMessage());
        assertEquals("", output());
    }

    @Test
    void maintenanceOnAndOffReachTheGuardian() throws Exception {
        for (String mode : List.of("on", "OFF")) {
            MaintenanceCommand command = new MaintenanceCommand();
            command.guardian = guardian;
            command.out = out;
            command.mode = mode;
            command.execute();
        }
        assertEquals(List.of("maintenance true", "maintenance false"), guardian.requests);
        assertContainsLine(output(), "Maintenance on accepted: .*");
    }

    @Test
    void maintenanceAlreadyInPlaceIsNotAFailure() throws Exception {
        guardian.answer = new OperatorResult(Outcome.ALREADY_DONE, "node2 is already in maintenance");
        MaintenanceCommand command = new MaintenanceCommand();
        command.guardian = guardian;
        command.out = out;
        command.mode = "on";
        command.execute();
        assertContainsLine(output(), "Maintenance on: nothing to do: node2 is already in maintenance");
    }

    @Test
    void maintenanceRejectsAnythingButOnOrOffWithoutAskingTheGuardian() {
        MaintenanceCommand command = new MaintenanceCommand();
        command.guardian = guardian;
        command.out = out;
        command.mode = "maybe";
        CommandException e = assertThrows(CommandException.class, command::execute);
        assertTrue(e.getMessage().contains("on or off"), e.getMessage());
        assertEquals(List.of(), guardian.requests);
    }

    @Test
    void aRefusedMaintenanceFailsTheCommandWithTheReason() {
        guardian.answer = OperatorResult.refused(Outcome.REFUSED, "no other eligible member could take over");
        MaintenanceCommand command = new MaintenanceCommand();
        command.guardian = guardian;
        command.out = out;
        command.mode = "on";
        CommandException e = assertThrows(CommandException.class, command::execute);
        assertTrue(e.getMessage().endsWith("refused (refused): no other eligible member could take over"),
                e.getMessage());
    }

    @Test
    void historyListsTransitionsWithCausesAndTimings() throws Exception {
        HistoryCommand command = new HistoryCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        String o = output();
        assertContainsLine(o, ".*At.*Node.*From.*To.*Epoch.*Cause.*Took.*Master.*Detail.*");
        assertContainsLine(o, ".*2026-11-25 10:00:00\\.000Z.*node2.*initializing.*backup.*6.*election.*3 ms.*node3.*");
        assertContainsLine(o, ".*2026-11-25 10:01:00\\.000Z.*node2.*backup.*master.*7.*failure.*420 ms.*node2.*");
    }

    @Test
    void historyLastShowsOnlyTheNewestTransitions() throws Exception {
        HistoryCommand command = new HistoryCommand();
        command.guardian = guardian;
        command.out = out;
        command.last = 1;
        command.execute();
        String o = output();
        assertTrue(o.contains("failure") && !o.contains("initializing"), o);
    }

    @Test
    void emptyHistorySaysSo() throws Exception {
        guardian.history = List.of();
        HistoryCommand command = new HistoryCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        assertContainsLine(output(), ".*No role transitions yet\\..*");
    }

    @Test
    void alarmsListsTheActiveAlarms() throws Exception {
        AlarmsCommand command = new AlarmsCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        assertContainsLine(output(),
                ".*2026-11-25 10:00:59\\.000Z.*major.*member-down:node3.*gatekeeper-fault.*the gatekeeper of node3 does not answer.*");
    }

    @Test
    void noAlarmsSaysSo() throws Exception {
        guardian.alarms = List.of();
        AlarmsCommand command = new AlarmsCommand();
        command.guardian = guardian;
        command.out = out;
        command.execute();
        assertContainsLine(output(), ".*No active alarms\\..*");
    }

    @Test
    void memberNamesAreCompleted() {
        MemberNameCompleter completer = new MemberNameCompleter();
        completer.guardian = guardian;
        assertEquals(List.of("node1", "node2", "node3"), completer.names());
    }

    @Test
    void mirrorStatusShowsEachMembersDigestAndWhenItLastMatched() throws Exception {
        MirrorCommand command = new MirrorCommand();
        command.mirror = guardian;
        command.out = out;
        command.execute();
        String o = output();
        assertContainsLine(o, ".*#.*Name.*Address.*Master.*Digest.*Matches.*Last matched.*");
        assertContainsLine(o, ".*2.*node2.*198\\.51\\.100\\.2.*\\*.*ab12.*yes.*2026-11-25 10:01:01\\.000Z.*");
        assertContainsLine(o, ".*3.*node3.*198\\.51\\.100\\.3.*cd34.*no.*2026-11-25 10:00:01\\.000Z.*");
    }

    @Test
    void mirrorPushReachesTheGuardianAndARefusalFailsTheCommand() throws Exception {
        MirrorCommand command = new MirrorCommand();
        command.mirror = guardian;
        command.out = out;
        command.action = "push";
        guardian.answer = OperatorResult.accepted("pushed 1 files");
        command.execute();
        assertContainsLine(output(), "Configuration push accepted: pushed 1 files");
        guardian.answer = OperatorResult.refused(Outcome.REFUSED, "only the master pushes its files; the master is node2");
        CommandException e = assertThrows(CommandException.class, command::execute);
        assertEquals("Configuration push refused (refused): only the master pushes its files; the master is node2",
                e.getMessage());
        command.action = "pull";
        e = assertThrows(CommandException.class, command::execute);
        assertEquals("The mirror action must be status or push, not 'pull'.", e.getMessage());
        assertEquals(List.of("push", "push"), guardian.requests);
    }
}
