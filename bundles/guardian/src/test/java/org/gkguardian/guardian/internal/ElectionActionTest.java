package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.Test;

class ElectionActionTest {

    private static MemberState member(String name, int last, Role role) {
        return new MemberState(name, SimCluster.ip("10.0.0." + last), 100, true, role, 3, false, "", false);
    }

    private static final Switchovers.Pending TO_N2 = new Switchovers.Pending("n2", "n1", 3, 0);

    private static ElectionAction.Situation as(String me, Role role, List<MemberState> visible,
            Optional<Switchovers.Pending> switchover, boolean targetReady, boolean prepared, boolean standing,
            boolean seenBefore) {
        return new ElectionAction.Situation(me, role, visible, switchover, targetReady, prepared, standing, false,
                true, seenBefore);
    }

    @Test
    void aMasterHandsOverOnlyOnceTheTargetsGatekeeperAnswers() {
        List<MemberState> visible = List.of(member("n3", 3, Role.MASTER), member("n2", 2, Role.BACKUP));
        ElectionResult toN2 = ElectionResult.of("n2", Cause.SWITCHOVER, "operator switchover to n2");
        assertEquals(ElectionAction.Kind.WAIT_FOR_TARGET, ElectionAction.decide(
                as("n3", Role.MASTER, visible, Optional.of(TO_N2), false, false, false, true), toN2).kind());
        ElectionAction letGo = ElectionAction.decide(
                as("n3", Role.MASTER, visible, Optional.of(TO_N2), true, false, false, true), toN2);
        assertEquals(new ElectionAction(ElectionAction.Kind.LET_GO, Cause.SWITCHOVER, "operator switchover to n2"),
                letGo);
    }

    @Test
    void theTargetGetsReadyOnceWhileTheMasterStillHoldsTheRole() {
        List<MemberState> visible = List.of(member("n3", 3, Role.MASTER), member("n2", 2, Role.BACKUP));
        ElectionResult toN2 = ElectionResult.of("n2", Cause.SWITCHOVER, "operator switchover to n2");
        assertEquals(new ElectionAction(ElectionAction.Kind.PREPARE_AND_WAIT, Cause.SWITCHOVER, "n3"),
                ElectionAction.decide(as("n2", Role.BACKUP, visible, Optional.of(TO_N2), false, false, false, true),
                        toN2));
        assertEquals(ElectionAction.Kind.WAIT_FOR_HOLDER, ElectionAction.decide(
                as("n2", Role.BACKUP, visible, Optional.of(TO_N2), false, true, false, true), toN2).kind());
    }

    @Test
    void aChosenBackupStandsForAFailoverOrAFirstElectionAndOneNotChosenStopsStanding() {
        List<MemberState> visible = List.of(member("n3", 3, Role.BACKUP), member("n2", 2, Role.BACKUP));
        ElectionResult n3 = ElectionResult.of("n3", Cause.FAILURE, "no master is visible any more");
        assertEquals(new ElectionAction(ElectionAction.Kind.STAND, Cause.FAILURE, "no master is visible any more"),
                ElectionAction.decide(as("n3", Role.BACKUP, visible, Optional.empty(), false, false, false, true),
                        n3));
        assertEquals(Cause.ELECTION, ElectionAction.decide(
                as("n3", Role.BACKUP, visible, Optional.empty(), false, false, false, false), n3).cause());
        assertEquals(new ElectionAction(ElectionAction.Kind.STOP_STANDING, Cause.FAILURE, "the election chose n3"),
                ElectionAction.decide(as("n2", Role.BACKUP, visible, Optional.empty(), false, false, true, true), n3));
        assertEquals(ElectionAction.Kind.NOTHING, ElectionAction.decide(
                as("n2", Role.BACKUP, visible, Optional.empty(), false, false, false, true), n3).kind());
    }

    @Test
    void aMasterThatSeesAStrongerClaimLetsGoForTheSplitBrain() {
        List<MemberState> visible = List.of(member("n3", 3, Role.MASTER), member("n2", 2, Role.MASTER));
        ElectionResult n3 = ElectionResult.of("n3", Cause.SPLIT_BRAIN, "");
        assertEquals(new ElectionAction(ElectionAction.Kind.LET_GO, Cause.SPLIT_BRAIN, "the election chose n3"),
                ElectionAction.decide(as("n2", Role.MASTER, visible, Optional.empty(), false, false, false, true),
                        n3));
    }
}
