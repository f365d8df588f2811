package org.gkguardian.election.internal;

import static org.gkguardian.election.internal.Members.askingToPreempt;
import static org.gkguardian.election.internal.Members.backup;
import static org.gkguardian.election.internal.Members.drained;
import static org.gkguardian.election.internal.Members.initializing;
import static org.gkguardian.election.internal.Members.master;
import static org.gkguardian.election.internal.Members.unhealthy;
import static org.gkguardian.election.internal.Members.withPriority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ElectionInput;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The specification of the election: the patent's rule first, then every rule GK Guardian adds.
 * Addresses are from the internal LAN of the test hosts (198.51.100.0/24) and 2001:db8::/32.
 */
class PatentElectionRuleTest {

    private final PatentElectionRule rule = new PatentElectionRule();

    private ElectionResult decide(MemberState... members) {
        return rule.decide(new ElectionInput(List.of(members), true, false));
    }

    private ElectionResult decideWithPreemption(MemberState... members) {
        return rule.decide(new ElectionInput(List.of(members), true, true));
    }

    private ElectionResult decideWithSwitchoverTo(String target, MemberState... members) {
        return rule.decide(new ElectionInput(List.of(members), true, false, Optional.of(target)));
    }

    private static void assertMaster(String expected, Cause cause, ElectionResult result) {
        assertEquals(Optional.of(expected), result.master(), result.reason());
        assertEquals(cause, result.cause(), result.reason());
        assertFalse(result.reason().isBlank());
    }

    private static void assertNoMaster(Cause cause, ElectionResult result) {
        assertEquals(Optional.empty(), result.master(), result.reason());
        assertEquals(cause, result.cause(), result.reason());
        assertFalse(result.reason().isBlank());
    }

    @Nested
    @DisplayName("the patent's rule: by default the highest internal address becomes master")
    class PatentRule {

        @Test
        void highestInternalAddressWinsAFirstElection() {
            assertMaster("node3", Cause.ELECTION, decide(
                    initializing("node1", "198.51.100.1"),
                    initializing("node3", "198.51.100.3"),
                    initializing("node2", "198.51.100.2")));
        }

        @Test
        void addressesAreComparedNumericallyNotAsText() {
            // As text "198.51.100.9" > "198.51.100.10"; as numbers .10 is higher.
            assertMaster("ten", Cause.ELECTION, decide(
                    initializing("nine", "198.51.100.9"),
                    initializing("ten", "198.51.100.10")));
        }

        @Test
        void addressOctetsAreComparedAsUnsignedNumbers() {
            // 198 and 200 are negative as Java bytes; 10 is positive.
            assertMaster("two-hundred", Cause.ELECTION, decide(
                    initializing("ten", "10.0.0.1"),
                    initializing("two-hundred", "200.0.0.1")));
        }

        @Test
        void ipv6AddressesAreComparedNumerically() {
            assertMaster("b", Cause.ELECTION, decide(
                    initializing("a", "2001:db8::ff"),
                    initializing("b", "2001:db8::1:0")));
        }

        @Test
        void ipv4RanksAsTheIpv4MappedIpv6AddressBelowGlobalIpv6() {
            // ::ffff:198.51.100.200 < 2001:db8::1
            assertMaster("v6", Cause.ELECTION, decide(
                    initializing("v4", "198.51.100.200"),
                    initializing("v6", "2001:db8::1")));
            // ::1 < ::ffff:10.0.0.1
            assertMaster("v4", Cause.ELECTION, decide(
                    initializing("v4", "10.0.0.1"),
                    initializing("v6", "::1")));
        }

        @Test
        void onlyEligibleMembersAreElected() {
            assertMaster("node1", Cause.ELECTION, decide(
                    initializing("node1", "198.51.100.1"),
                    unhealthy(initializing("node2", "198.51.100.2")),
                    drained(initializing("node3", "198.51.100.3")),
                    initializing("node4", "198.51.100.4").withRole(Role.FAULT),
                    initializing("node5", "198.51.100.5").withRole(Role.MAINTENANCE),
                    initializing("node6", "198.51.100.6").withRole(Role.STOPPED)));
        }

        @Test
        void aSingleEligibleMemberElectsItself() {
            assertMaster("alone", Cause.ELECTION, decide(initializing("alone", "127.0.0.1")));
        }
    }

    @Nested
    @DisplayName("priority: a higher priority wins before addresses are compared")
    class Priority {

        @Test
        void higherPriorityBeatsHigherAddress() {
            assertMaster("low-address", Cause.ELECTION, decide(
                    withPriority(initializing("low-address", "198.51.100.1"), 200),
                    withPriority(initializing("high-address", "198.51.100.254"), 100)));
        }

        @Test
        void equalPrioritiesFallBackToTheHighestAddress() {
            assertMaster("b", Cause.ELECTION, decide(
                    withPriority(initializing("a", "198.51.100.1"), 150),
                    withPriority(initializing("b", "198.51.100.2"), 150),
                    withPriority(initializing("c", "198.51.100.3"), 50)));
        }

        @Test
        void sameAddressAndPriorityFallBackToTheGreatestNameSoTheResultIsDeterministic() {
            assertMaster("beta", Cause.ELECTION, decide(
                    initializing("alpha", "198.51.100.1"),
                    initializing("beta", "198.51.100.1")));
        }
    }

    @Nested
    @DisplayName("quorum: a partition without quorum has no master")
    class Quorum {

        @Test
        void noQuorumMeansNoMasterEvenForAHealthyMaster() {
            ElectionResult result = rule.decide(new ElectionInput(List.of(
                    master("node3", "198.51.100.3", 4), backup("node2", "198.51.100.2")), false, false));
            assertNoMaster(Cause.QUORUM, result);
        }

        @Test
        void noQuorumOverridesAnOperatorSwitchover() {
            ElectionResult result = rule.decide(new ElectionInput(List.of(
                    backup("node2", "198.51.100.2")), false, false, Optional.of("node2")));
            assertNoMaster(Cause.QUORUM, result);
        }

        @Test
        void noEligibleMemberMeansNoMaster() {
            assertNoMaster(Cause.HEALTH, decide(
                    unhealthy(backup("node1", "198.51.100.1")),
                    backup("node2", "198.51.100.2").withRole(Role.FAULT)));
        }

        @Test
        void noVisibleMemberMeansNoMaster() {
            assertNoMaster(Cause.HEALTH, decide());
        }
    }

    @Nested
    @DisplayName("stickiness: without preemption a healthy master keeps its role (keepalived nopreempt)")
    class Stickiness {

        @Test
        void aHealthyMasterStaysMasterWhenABetterMemberReturns() {
            assertMaster("node1", Cause.ELECTION, decide(
                    master("node1", "198.51.100.1", 2),
                    initializing("node3", "198.51.100.3")));
        }

        @Test
        void aHealthyMasterStaysMasterEvenWhenABetterMemberAsksToPreempt() {
            assertMaster("node1", Cause.ELECTION, decide(
                    master("node1", "198.51.100.1", 2),
                    askingToPreempt(withPriority(backup("node3", "198.51.100.3"), 250))));
        }

        @Test
        void anIneligibleMasterLosesItsRoleToTheBestEligibleMember() {
            assertMaster("node2", Cause.FAILURE, decide(
                    unhealthy(master("node3", "198.51.100.3", 5)),
                    backup("node2", "198.51.100.2"),
                    backup("node1", "198.51.100.1")));
        }

        @Test
        void aMasterThatIsGoneIsReplacedByTheBestBackup() {
            assertMaster("node2", Cause.FAILURE, decide(
                    backup("node2", "198.51.100.2").withEpoch(5),
                    backup("node1", "198.51.100.1").withEpoch(5)));
        }

        @Test
        void aDrainedMasterHandsOverWithCauseMaintenance() {
            assertMaster("node2", Cause.MAINTENANCE, decide(
                    drained(master("node3", "198.51.100.3", 5)),
                    backup("node2", "198.51.100.2")));
        }

        @Test
        void anUnhealthyAndDrainedMasterIsAFailure() {
            assertMaster("node2", Cause.FAILURE, decide(
                    unhealthy(drained(master("node3", "198.51.100.3", 5))),
                    backup("node2", "198.51.100.2")));
        }

        @Test
        void aFailedMasterWithNoEligibleSuccessorLeavesNoMasterWithCauseFailure() {
            assertNoMaster(Cause.FAILURE, decide(
                    unhealthy(master("node3", "198.51.100.3", 5)),
                    drained(backup("node2", "198.51.100.2"))));
        }
    }

    @Nested
    @DisplayName("split brain: when masters of a healed partition meet, the highest epoch keeps the role")
    class SplitBrain {

        @Test
        void theMasterWithTheHighestEpochKeepsTheRole() {
            assertMaster("node1", Cause.SPLIT_BRAIN, decide(
                    master("node1", "198.51.100.1", 7),
                    master("node3", "198.51.100.3", 6),
                    backup("node2", "198.51.100.2")));
        }

        @Test
        void equalEpochsFallBackToThePatentOrder() {
            assertMaster("node3", Cause.SPLIT_BRAIN, decide(
                    master("node1", "198.51.100.1", 7),
                    master("node3", "198.51.100.3", 7)));
        }

        @Test
        void anIneligibleClaimantNeverKeepsTheRole() {
            assertMaster("node1", Cause.SPLIT_BRAIN, decide(
                    master("node1", "198.51.100.1", 3),
                    unhealthy(master("node3", "198.51.100.3", 9))));
        }

        @Test
        void withPreemptionTheBestMemberStillTakesOverAfterTheSplit() {
            assertMaster("node3", Cause.PREEMPTION, decideWithPreemption(
                    master("node1", "198.51.100.1", 7),
                    askingToPreempt(master("node3", "198.51.100.3", 6))));
        }
    }

    @Nested
    @DisplayName("preemption (when on): the best member that asks for it takes over")
    class Preemption {

        @Test
        void aBetterMemberThatAsksTakesOverFromAHealthyMaster() {
            assertMaster("node3", Cause.PREEMPTION, decideWithPreemption(
                    master("node1", "198.51.100.1", 2),
                    askingToPreempt(backup("node3", "198.51.100.3"))));
        }

        @Test
        void aBetterMemberThatHasNotAskedYetWaits() {
            // It asks only once it has been eligible for the preempt delay.
            assertMaster("node1", Cause.ELECTION, decideWithPreemption(
                    master("node1", "198.51.100.1", 2),
                    backup("node3", "198.51.100.3")));
        }

        @Test
        void aWorseMemberThatAsksNeverPreempts() {
            assertMaster("node3", Cause.ELECTION, decideWithPreemption(
                    master("node3", "198.51.100.3", 2),
                    askingToPreempt(backup("node1", "198.51.100.1"))));
        }

        @Test
        void onlyTheBestMemberMayPreemptSoThereIsNoCascade() {
            // node2 is better than the master and asks, but node3 is better still: wait for node3.
            assertMaster("node1", Cause.ELECTION, decideWithPreemption(
                    master("node1", "198.51.100.1", 2),
                    askingToPreempt(backup("node2", "198.51.100.2")),
                    backup("node3", "198.51.100.3")));
        }

        @Test
        void anIneligibleMemberNeverPreempts() {
            assertMaster("node1", Cause.ELECTION, decideWithPreemption(
                    master("node1", "198.51.100.1", 2),
                    drained(askingToPreempt(backup("node3", "198.51.100.3")))));
        }

        @Test
        void priorityDecidesWhoIsBetterForPreemption() {
            assertMaster("node1", Cause.PREEMPTION, decideWithPreemption(
                    askingToPreempt(withPriority(backup("node1", "198.51.100.1"), 200)),
                    master("node3", "198.51.100.3", 2)));
        }
    }

    @Nested
    @DisplayName("switchover: an operator's eligible target becomes master")
    class Switchover {

        @Test
        void anEligibleTargetTakesOverFromAHealthyMaster() {
            assertMaster("node1", Cause.SWITCHOVER, decideWithSwitchoverTo("node1",
                    master("node3", "198.51.100.3", 4),
                    backup("node1", "198.51.100.1")));
        }

        @Test
        void anIneligibleTargetIsNotHonoured() {
            assertMaster("node3", Cause.ELECTION, decideWithSwitchoverTo("node1",
                    master("node3", "198.51.100.3", 4),
                    unhealthy(backup("node1", "198.51.100.1"))));
        }

        @Test
        void anUnknownTargetIsNotHonoured() {
            assertMaster("node3", Cause.ELECTION, decideWithSwitchoverTo("nobody",
                    master("node3", "198.51.100.3", 4),
                    backup("node1", "198.51.100.1")));
        }

        @Test
        void aSwitchoverBeatsPreemption() {
            ElectionResult result = rule.decide(new ElectionInput(List.of(
                    master("node2", "198.51.100.2", 4),
                    askingToPreempt(backup("node3", "198.51.100.3")),
                    backup("node1", "198.51.100.1")), true, true, Optional.of("node1")));
            assertMaster("node1", Cause.SWITCHOVER, result);
        }
    }

    @Test
    void theOrderOfTheInputNeverMatters() {
        MemberState a = master("a", "198.51.100.1", 3);
        MemberState b = master("b", "198.51.100.2", 3);
        MemberState c = askingToPreempt(backup("c", "2001:db8::1"));
        ElectionResult first = decideWithPreemption(a, b, c);
        assertEquals(first, decideWithPreemption(c, b, a));
        assertEquals(first, decideWithPreemption(b, c, a));
        assertTrue(first.master().isPresent());
    }
}
