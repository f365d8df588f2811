package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The role machine on a simulated network with a manual clock (fast profile: 100/500/250 ms, lease 400 ms). */
class RoleMachineTest {

    private static final String THREE = "10.0.0.1,10.0.0.2,10.0.0.3";

    @TempDir
    Path dir;

    private SimCluster three() throws Exception {
        return three(c -> c);
    }

    private SimCluster three(java.util.function.UnaryOperator<TestConfig> common) throws Exception {
        SimCluster sim = new SimCluster(dir, THREE, common);
        sim.add("n1", "10.0.0.1");
        sim.add("n2", "10.0.0.2");
        sim.add("n3", "10.0.0.3");
        sim.startAll();
        sim.advance(1000);
        return sim;
    }

    private static int indexOf(List<String> ops, String op) {
        int i = ops.indexOf(op);
        assertTrue(i >= 0, op + " in " + ops);
        return i;
    }

    @Test
    void aLoneNodeElectsItselfPreparingTheGatekeeperBeforeTheVip() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1", c -> c);
        sim.add("solo", "10.0.0.1");
        sim.startAll();
        assertEquals(List.of("solo"), sim.masters());
        assertEquals(List.of("solo:prepare:1", "solo:bind:1"), sim.ops.snapshot());
        RoleTransition t = sim.node("solo").journal.history().get(0);
        assertEquals(Role.INITIALIZING, t.from());
        assertEquals(Role.MASTER, t.to());
        assertEquals(1, t.epoch());
        assertEquals(Cause.ELECTION, t.cause());
        assertEquals(QuorumState.QUORATE, sim.node("solo").machine.status().quorum());
    }

    @Test
    void highestAddressWinsAndTheOthersAreBackups() throws Exception {
        SimCluster sim = three();
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(List.of("n3"), sim.vipHolders());
        assertEquals(Role.BACKUP, sim.node("n1").role());
        assertEquals(Role.BACKUP, sim.node("n2").role());
        assertEquals("n3", sim.node("n1").machine.status().master().orElse(""));
        assertEquals(1, sim.node("n1").machine.status().epoch());
    }

    @Test
    void onlyTheMasterAsksItsLauncherForTheWatchdogLimitItsLeaseLeaves() throws Exception {
        SimCluster sim = three();
        // Fast profile: promise 250 ms - lease 100 ms - release allowance 50 ms = 100 ms, plus what is left of the
        // lease (renewed every 25 ms; here the newest answer the role thread has seen is up to one step of 25 ms old):
        // the launcher need not kill a master for a short stall.
        assertLeaseCounted(sim.node("n3").machine.watchdogLimit());
        assertEquals(Optional.empty(), sim.node("n1").machine.watchdogLimit());
        assertEquals(Optional.empty(), sim.node("n2").machine.watchdogLimit());
        sim.crash("n3");
        sim.advance(200);
        assertLeaseCounted(sim.node("n2").machine.watchdogLimit());
        assertEquals(Optional.empty(), sim.node("n1").machine.watchdogLimit());
    }

    @Test
    void aMasterWhoseRenewalsGoUnansweredGivesItsLauncherLessTimeAsItsLeaseRunsOut() throws Exception {
        SimCluster sim = three();
        sim.isolate("n3");
        sim.advance(50);
        // The last renewal answered was sent 50-75 ms ago: 25-50 ms of the 100 ms lease are left.
        long limit = sim.node("n3").machine.watchdogLimit().orElseThrow().toMillis();
        assertTrue(limit > 100 && limit <= 150, "limit " + limit + " ms");
        sim.advance(50);
        long later = sim.node("n3").machine.watchdogLimit().orElseThrow().toMillis();
        assertTrue(later < limit && later >= 100, "limit " + later + " ms after " + limit + " ms");
        sim.advance(100);
        assertEquals(Role.BACKUP, sim.node("n3").role());
    }

    private static void assertLeaseCounted(Optional<Duration> limit) {
        long ms = limit.orElseThrow().toMillis();
        assertTrue(ms >= 150 && ms <= 200, "a master just renewed asks for 100 ms plus 50-100 ms of lease, not " + ms);
    }

    @Test
    void aNodeRestartedWithinItsStartupGraceTakesOverAtOnceWhenTheMastersProcessDies() throws Exception {
        SimCluster sim = three();
        sim.crash("n2");
        sim.advance(500);
        sim.node("n2").start();
        sim.viewsFromLinks();
        sim.advance(100);
        assertEquals(List.of("n3"), sim.masters());
        // n2 joined 100 ms ago (its startup grace is 750 ms). The master's process dies; the channel has not yet
        // confirmed it, so n3 is still in every view, without a state any more.
        sim.crashSeenBeforeTheView("n3");
        sim.advance(300);
        assertEquals(List.of("n2"), sim.masters(), "n2 must not wait for n3 to leave its view");
    }

    @Test
    void theSuccessorOfACrashedMasterChecksTheVipAheadOfItsBindNotAtIt() throws Exception {
        SimCluster sim = three();
        sim.nodes.values().forEach(n -> n.vip.probeTime = Duration.ofMillis(50));
        // The voters' promise to n3 ran for 300 ms from its last renewal; n3's process is seen dead, which cuts the
        // promise to the launcher's release allowance (50 ms). The check ahead of the bind does not wait for the old
        // promise's end: started before the votes are granted, its answer is ready at the bind.
        sim.crashSeenBeforeTheView("n3");
        // It starts when n3's process is seen to end, while n3 is asked whether it lives.
        assertTrue(sim.ops.snapshot().contains("n2:probeAhead"), "no check ahead when n3's life line ended");
        sim.advance(300);
        assertEquals(List.of("n2"), sim.masters());
        List<String> n2 = sim.ops.snapshot().stream().filter(o -> o.startsWith("n2:probeAhead") || o.startsWith("n2:bind"))
                .toList();
        assertEquals(List.of("n2:probeAhead", "n2:bind:2"), n2);
    }

    @Test
    void theSuccessorOfACrashedMasterTakesOverTheMomentItsDeathIsBelievedNotAtTheNextTick() throws Exception {
        SimCluster sim = three();
        // Both voters see n3's process end now. Its death is believed once the launcher's release allowance (50 ms)
        // is over, and n2 asks for the votes then: only the role threads' wake-ups at their deadlines run, no tick,
        // renewal or heartbeat.
        sim.crashSeenBy("n3", "n1", "n2");
        sim.advanceByWakeUpsOnly(49);
        assertEquals(List.of(), sim.masters());
        sim.advanceByWakeUpsOnly(1);
        assertEquals(List.of("n2"), sim.masters());
        assertTrue(sim.node("n2").vip.bound);
    }

    @Test
    void theLaunchersObituaryOfACrashedMasterLetsItsSuccessorTakeOverWithoutWaitingOutTheAllowance() throws Exception {
        SimCluster sim = three();
        // n3's JVM is killed: both voters see its life line end, and 5 ms later its launcher, having released the
        // VIP, sends the obituary the JVM sealed. Without it the death is believed 50 ms after the line ended.
        sim.crashSeenBy("n3", "n1", "n2");
        sim.advanceByWakeUpsOnly(5);
        assertEquals(List.of(), sim.masters());
        sim.obituary("n3", false, "n1", "n2");
        assertEquals(List.of("n2"), sim.masters());
        assertTrue(sim.node("n2").vip.bound);
        assertEquals(2, sim.node("n1").machine.status().epoch());
        // n3's launcher found no VIP to remove: who else may hold it is not known, so n2 checked before its bind.
        assertTrue(sim.ops.snapshot().contains("n2:bind:2"), sim.ops.snapshot().toString());
    }

    @Test
    void aMasterThatDiedHoldingTheVipHandsItOverThroughItsLaunchersObituary() throws Exception {
        SimCluster sim = three();
        // n3's launcher removed the VIP n3 held (bound after its own check): as after a resignation, nobody can hold
        // it, so its successor binds without the duplicate-address check and its window.
        sim.crashSeenBy("n3", "n1", "n2");
        sim.obituary("n3", true, "n1", "n2");
        assertEquals(List.of("n2"), sim.masters());
        assertTrue(sim.ops.snapshot().contains("n2:bindHandedOver:2"), sim.ops.snapshot().toString());
    }

    @Test
    void anObituaryOfAnotherRunOfALiveMasterChangesNothing() throws Exception {
        SimCluster sim = three();
        // A recorded obituary of an earlier run of n3, sent again while n3 (a later run) is master.
        sim.obituaryOfRun("n3", sim.node("n3").machine.incarnation() + 1, true, "n1", "n2");
        sim.advance(500);
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(List.of("n3"), sim.vipHolders());
        assertFalse(sim.node("n2").journal.history().stream().anyMatch(t -> t.to() == Role.MASTER));
    }

    @Test
    void aVoterWhosePromiseEndsWithinARenewalIntervalGrantsWhenItEndsWithoutASecondRequest() throws Exception {
        SimCluster sim = three();
        List<Wire.VoteRequest> asked = new java.util.ArrayList<>();
        sim.node("n2").rewrite = m -> {
            if (m instanceof Wire.VoteRequest r) {
                asked.add(r);
            }
            return m;
        };
        // After a kill -9 each node's socket to the dead JVM closes at its own time: n1's 10 ms after n2's.
        sim.crashSeenBy("n3", "n2");
        sim.advanceByWakeUpsOnly(10);
        sim.lifeLineEnds("n1", "n3");
        // n2 believes the death at 50 ms and asks; n1 is held to n3 until 60 ms: it keeps the request and grants it
        // then, without waiting for n2 to ask again a renewal interval (25 ms) later.
        sim.advanceByWakeUpsOnly(49);
        assertEquals(1, asked.size(), "n2 asks once its own promise to n3 is over");
        assertEquals(List.of(), sim.masters());
        sim.advanceByWakeUpsOnly(1);
        assertEquals(List.of("n2"), sim.masters());
        assertEquals(1, asked.size(), "n2 asked only once");
    }

    @Test
    void aKeptVoteRequestIsNotGrantedWhenTheMasterTurnsOutToBeAlive() throws Exception {
        SimCluster sim = three();
        // n3 stands still: its connections are seen to close (a network reset) while it cannot answer the life checks.
        sim.node("n3").paused = true;
        sim.lifeLineEnds("n2", "n3");
        sim.advanceByWakeUpsOnly(10);
        sim.lifeLineEnds("n1", "n3");
        // n2 believes n3 dead at 50 ms and asks n1, which keeps the request until its own check is due at 60 ms.
        sim.advanceByWakeUpsOnly(45);
        // n3 runs again and answers n1's check: n1's promise to n3 runs on, so the kept request is never granted.
        sim.resume("n3");
        sim.advanceByWakeUpsOnly(30);
        assertEquals(List.of("n3"), sim.masters());
        sim.advance(500);
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(List.of("n3"), sim.vipHolders());
        assertFalse(sim.node("n2").journal.history().stream().anyMatch(t -> t.to() == Role.MASTER));
    }

    @Test
    void aCrashedMasterIsReplacedByTheNextHighestWithAHigherEpoch() throws Exception {
        SimCluster sim = three();
        sim.crash("n3");
        sim.advance(200);
        assertEquals(List.of("n2"), sim.masters());
        assertEquals(2, sim.node("n2").machine.status().epoch());
        assertEquals(Cause.FAILURE, last(sim.node("n2")).cause());
        assertEquals(1, sim.node("n1").machine.status().failoverCount());
        assertTrue(sim.node("n1").publisher.listener.events.stream().anyMatch(e -> e.type() == EventType.MEMBER_DOWN));
    }

    @Test
    void aCutOffMasterLetsTheVipGoBeforeAnyBackupTakesIt() throws Exception {
        SimCluster sim = three();
        sim.ops.log.clear();
        sim.isolate("n3");
        // JGroups drops n3 after failure timeout + verify (750 ms); the lease (400 ms) runs out first.
        sim.advance(750);
        sim.viewsFromLinks();
        sim.advance(300);
        List<String> ops = sim.ops.snapshot();
        assertTrue(indexOf(ops, "n3:release") < indexOf(ops, "n2:bind:2"), ops.toString());
        assertTrue(indexOf(ops, "n3:release") < indexOf(ops, "n3:standDown"), ops.toString());
        assertEquals(List.of("n2"), sim.masters());
        assertEquals(Cause.LEASE_EXPIRED, sim.node("n3").journal.history().stream()
                .filter(t -> t.from() == Role.MASTER).findFirst().orElseThrow().cause());
        assertEquals(QuorumState.LOST, sim.node("n3").machine.status().quorum());
        assertTrue(sim.node("n3").journal.alarms().stream().anyMatch(a -> a.id().equals("quorum-lost")));

        sim.healAll();
        sim.viewsFromLinks();
        sim.advance(1500);
        assertEquals(List.of("n2"), sim.masters(), "one master after healing, and no preemption");
        assertEquals(List.of("n2"), sim.vipHolders());
        assertFalse(sim.node("n3").journal.alarms().stream().anyMatch(a -> a.id().equals("quorum-lost")));
    }

    @Test
    void theMinorityNeverElectsEvenWhenItsViewIsStale() throws Exception {
        SimCluster sim = three();
        sim.isolate("n1");
        sim.advance(3000); // n1's view is never updated: it still believes in n2 and n3
        assertEquals(Role.BACKUP, sim.node("n1").role());
        assertEquals(List.of("n3"), sim.masters());
    }

    @Test
    void whenEveryMemberWasStoppedTogetherTheyDoNotAllSitOutTheirHold() throws Exception {
        SimCluster sim = three();
        // A starved machine stops every JVM for longer than the promise: each comes back recovering from a pause,
        // which keeps it out of the elections for 4 x (failure + verify timeout + 2 heartbeats) = 3.8 s so that the
        // others take over. Here there are no others.
        for (String n : List.of("n1", "n2", "n3")) {
            sim.node(n).paused = true;
        }
        sim.advance(400);
        for (String n : List.of("n1", "n2", "n3")) {
            sim.resume(n);
        }
        sim.advance(50);
        assertEquals(Role.FAULT, sim.node("n3").role(), "the pause was seen");
        assertEquals(List.of(), sim.vipHolders());
        sim.advance(2000);
        // n3, master when it stopped, sits out its hold: its host may have answered for the VIP meanwhile. Of the
        // other two, the first to trust what it hears again may win: no preemption.
        assertEquals(1, sim.masters().size(), "a master long before the hold would have ended: " + sim.masters());
        assertEquals(sim.masters(), sim.vipHolders());
        assertEquals(Role.FAULT, sim.node("n3").role());
    }

    @Test
    void aPausedMasterReleasesFirstAndNeverActsOnItsStaleView() throws Exception {
        SimCluster sim = three();
        sim.node("n3").paused = true;
        sim.advance(800);
        sim.viewsFromLinks();
        sim.advance(400);
        assertEquals(List.of("n2", "n3"), sim.masters(), "n3 still thinks it is master while stopped");
        sim.ops.log.clear();
        // SIGCONT: the messages sent to n3 while it was stopped arrive first, then its scheduler runs.
        sim.resume("n3");
        sim.advance(50);
        List<String> ops = sim.ops.snapshot();
        assertEquals("n3:release", ops.get(0), ops.toString());
        RoleTransition letGo = sim.node("n3").journal.history().stream().filter(t -> t.from() == Role.MASTER)
                .reduce((a, b) -> b).orElseThrow();
        assertEquals(Cause.LEASE_EXPIRED, letGo.cause());
        assertTrue(letGo.detail().contains("paused"), letGo.detail());
        assertEquals(Role.FAULT, sim.node("n3").role(), "out of the elections for a while after a pause");
        // Its view still holds n1 and n2 (JGroups keeps the old view until the merge): it must not promote.
        sim.advance(3000);
        assertFalse(sim.ops.snapshot().stream().anyMatch(o -> o.startsWith("n3:bind")), sim.ops.snapshot().toString());
        sim.viewsFromLinks();
        sim.advance(1500);
        assertEquals(List.of("n2"), sim.masters());
        assertEquals(List.of("n2"), sim.vipHolders());
        assertEquals(Role.BACKUP, sim.node("n3").role());
    }

    @Test
    void aVoterThatSawTheCutOffMasterGoAndItsSuccessorComeReportsNoSplitBrain() throws Exception {
        SimCluster sim = three();
        assertEquals(List.of("n3"), sim.masters());
        // n3 is cut off; n1 and n2 still hold its last state (master) until their views change, and n1 grants n2.
        sim.isolate("n3");
        sim.advance(1500);
        assertEquals(List.of("n2"), sim.vipHolders());
        List<EventType> seenByN1 = sim.node("n1").publisher.listener.events.stream().map(e -> e.type()).toList();
        assertFalse(seenByN1.contains(EventType.SPLIT_BRAIN_DETECTED),
                "n3's lease had run out before n1 granted n2: " + seenByN1);
        sim.viewsFromLinks();
        sim.advance(500);
        seenByN1 = sim.node("n1").publisher.listener.events.stream().map(e -> e.type()).toList();
        assertFalse(seenByN1.contains(EventType.SPLIT_BRAIN_DETECTED), seenByN1.toString());
    }

    @Test
    void withoutQuorumBothSidesElectAndTheSplitBrainIsReportedAndHealed() throws Exception {
        SimCluster sim = three(c -> c.with("quorum.policy", "none"));
        sim.isolate("n3");
        sim.advance(800);
        sim.viewsFromLinks();
        sim.advance(500);
        assertEquals(List.of("n2", "n3"), sim.masters(), "the patent as written: split brain");
        assertEquals(QuorumState.NOT_REQUIRED, sim.node("n3").machine.status().quorum());
        sim.healAll();
        sim.viewsFromLinks();
        sim.advance(1000);
        assertEquals(1, sim.masters().size(), sim.masters().toString());
        List<EventType> events = sim.node("n1").publisher.listener.events.stream().map(e -> e.type()).toList();
        assertTrue(events.contains(EventType.SPLIT_BRAIN_DETECTED), events.toString());
        assertTrue(events.contains(EventType.SPLIT_BRAIN_HEALED), events.toString());
        List<String> splitBrainAlarms = sim.node("n1").publisher.listener.events.stream()
                .filter(e -> e.type() == EventType.SPLIT_BRAIN_DETECTED || e.type() == EventType.SPLIT_BRAIN_HEALED)
                .map(e -> e.type() + " " + e.detail(GuardianEvent.ALARM_ID) + " " + e.detail(GuardianEvent.SEVERITY))
                .toList();
        assertEquals(List.of("SPLIT_BRAIN_DETECTED split-brain critical", "SPLIT_BRAIN_HEALED split-brain cleared"),
                splitBrainAlarms.subList(0, 2), "the raise and its clear carry one alarm identifier");
        String loser = sim.masters().get(0).equals("n2") ? "n3" : "n2";
        assertEquals(Cause.SPLIT_BRAIN, last(sim.node(loser)).cause());
    }

    @Test
    void aPairWithWitnessKeepsTheMasterOnlyWhereTheWitnessAnswers() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1,10.0.0.2", c -> c.with("witness.address", "10.0.0.254"));
        sim.add("a", "10.0.0.1");
        sim.add("b", "10.0.0.2");
        sim.startAll();
        sim.advance(1000);
        assertEquals(List.of("b"), sim.masters());
        // b loses its cable: neither a nor the witness answer it any more.
        sim.isolate("b");
        sim.node("b").witness = false;
        sim.advance(800);
        sim.viewsFromLinks();
        sim.advance(500);
        assertEquals(List.of("a"), sim.masters());
        assertEquals(QuorumState.LOST, sim.node("b").machine.status().quorum());
        assertEquals(QuorumState.QUORATE, sim.node("a").machine.status().quorum());
    }

    /**
     * Issue 15, the patent's pair on the default profile (failure timeout 5 s): the master's cable pulled for 20 s,
     * then plugged back. The cut node reaches the witness again a few seconds before the channel merges the two
     * views; it must not take the witness's answer for its peer's death meanwhile (its bind would meet the
     * other's VIP, and the conflict kept it in fault for another 25 s). It becomes backup once, and stays so.
     */
    @Test
    void aPairsCutNodeIsABackupAgainInOneStepWithinTwiceTheFailureTimeoutOfTheHeal() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1,10.0.0.2",
                c -> c.with("profile", "default").with("witness.address", "10.0.0.254"));
        SimCluster.Node a = sim.add("a", "10.0.0.1");
        SimCluster.Node b = sim.add("b", "10.0.0.2");
        sim.checkTheVipOnThePublicSide();
        sim.startAll();
        sim.advance(3000);
        assertEquals(List.of("b"), sim.masters());
        // b's cable is pulled: neither a nor the witness (on the internal LAN) answer it; its link is down.
        sim.isolate("b");
        b.witness = false;
        b.lanUp = false;
        sim.advance(6500);
        sim.viewsFromLinks();
        sim.advance(13_500);
        assertEquals(List.of("a"), sim.masters());
        assertEquals(List.of("a"), sim.vipHolders());
        assertEquals(Role.FAULT, b.role());
        int bBefore = b.journal.history().size();
        int aBefore = a.journal.history().size();
        // Plugged back: the link and the witness at once, the merged view only seconds later (MERGE3 offers every
        // 2-4 s on the default profile).
        sim.healAll();
        b.lanUp = true;
        b.witness = true;
        sim.advance(3500);
        sim.viewsFromLinks();
        sim.advance(6500);
        List<String> bSince = b.journal.history().subList(bBefore, b.journal.history().size()).stream()
                .map(t -> t.from().label() + "->" + t.to().label()).toList();
        assertEquals(List.of("fault->backup"), bSince, "b's transitions within 10 s of the heal");
        assertEquals(aBefore, a.journal.history().size(), "a stays master throughout");
        assertEquals(List.of("a"), sim.vipHolders());
        assertFalse(sim.ops.snapshot().contains("b:bindConflict"), sim.ops.snapshot().toString());
        sim.advance(30_000);
        assertEquals(bBefore + 1, b.journal.history().size(), "b stays backup");
        assertEquals(List.of("a"), sim.masters());
    }

    /** The other side of that wait: when the peer died meanwhile, the healed node takes over once the merge is overdue. */
    @Test
    void aPairsCutNodeTakesOverAfterTheHealWhenItsPeerDiedMeanwhile() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1,10.0.0.2",
                c -> c.with("profile", "default").with("witness.address", "10.0.0.254"));
        sim.add("a", "10.0.0.1");
        SimCluster.Node cut = sim.add("b", "10.0.0.2");
        sim.checkTheVipOnThePublicSide();
        sim.startAll();
        sim.advance(3000);
        assertEquals(List.of("b"), sim.masters());
        sim.isolate("b");
        cut.witness = false;
        cut.lanUp = false;
        sim.advance(6500);
        sim.viewsFromLinks();
        sim.advance(3500);
        sim.crash("a");
        sim.advance(10_000);
        assertEquals(List.of(), sim.masters(), "a died while b was cut off");
        sim.healAll();
        cut.lanUp = true;
        cut.witness = true;
        sim.advance(11_000);
        assertEquals(Role.BACKUP, cut.role(), "no merge yet: b does not know that a is dead");
        sim.advance(3000);
        assertEquals(List.of("b"), sim.masters(), "the merge is overdue (12 s): the witness stands in for a");
    }

    /** A probe of the witness lost once on a connected pair costs nothing: the peer heard since shows no merge is due. */
    @Test
    void aWitnessProbeLostOnceDoesNotKeepTheWitnessFromStandingInForACrashedPeer() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1,10.0.0.2",
                c -> c.with("profile", "default").with("witness.address", "10.0.0.254"));
        sim.add("a", "10.0.0.1");
        SimCluster.Node b = sim.add("b", "10.0.0.2");
        sim.startAll();
        sim.advance(3000);
        assertEquals(List.of("b"), sim.masters());
        b.witness = false;
        sim.advance(50);
        b.witness = true;
        sim.advance(2000);
        sim.crash("a");
        sim.advance(10_000);
        assertEquals(List.of("b"), sim.masters());
        assertEquals(1, b.journal.history().size(), "b stays master: " + b.journal.history());
    }

    /**
     * Issue 15: a deadlocked role thread must not go unnoticed while the heartbeat thread runs on. Past a lease
     * without a finished step the master's keep-alives to its launcher stop (its watchdog kills the JVM and
     * releases the VIP) and so do its heartbeats and renewals, so the others elect a new master.
     */
    @Test
    void aMastersStuckRoleThreadStopsItsKeepAlivesAndHeartbeatsAndABackupTakesOver() throws Exception {
        SimCluster sim = three();
        SimCluster.Node n3 = sim.node("n3");
        assertEquals(List.of("n3"), sim.masters());
        n3.roleThreadStuck = true;
        sim.advance(100);
        assertTrue(n3.machine.progressing(), "within its lease (150 ms) the thread may only be slow");
        sim.advance(150);
        assertFalse(n3.machine.progressing(), "no step for longer than the lease: the keep-alives stop");
        sim.advance(1500);
        assertEquals(Role.MASTER, sim.node("n2").role(), "n3 fell silent: n2 was elected");
        assertEquals(Role.BACKUP, sim.node("n1").role());
        assertFalse(sim.node("n2").machine.members().stream()
                .anyMatch(m -> m.name().equals("n3") && m.reachable()), "n3's heartbeats stopped");
    }

    @Test
    void anUnhealthyGatekeeperPutsTheMasterInFaultAndABackupTakesOver() throws Exception {
        SimCluster sim = three();
        sim.node("n3").gatekeeper.set(GatekeeperState.FAILED);
        sim.advance(200);
        assertEquals(Role.FAULT, sim.node("n3").role());
        assertEquals(List.of("n2"), sim.masters());
        assertTrue(sim.node("n3").journal.alarms().stream().anyMatch(a -> a.id().equals("gatekeeper-fault")));
        sim.node("n3").gatekeeper.set(GatekeeperState.RUNNING);
        sim.advance(200);
        assertEquals(Role.BACKUP, sim.node("n3").role(), "no preemption by default");
        assertEquals(List.of("n2"), sim.masters());
    }

    @Test
    void aLostInternalLanIsAFault() throws Exception {
        SimCluster sim = three();
        sim.node("n1").lanUp = false;
        sim.advance(200);
        assertEquals(Role.FAULT, sim.node("n1").role());
        assertTrue(sim.node("n1").machine.status().problem().contains("internal LAN"));
    }

    @Test
    void maintenanceOnTheMasterHandsOverFirst() throws Exception {
        SimCluster sim = three();
        sim.ops.log.clear();
        assertEquals(Outcome.ACCEPTED, sim.node("n3").machine.maintenance(true).outcome());
        sim.flush();
        sim.advance(300);
        assertEquals(Role.MAINTENANCE, sim.node("n3").role());
        assertEquals(List.of("n2"), sim.masters());
        List<String> ops = sim.ops.snapshot();
        assertTrue(indexOf(ops, "n3:release") < indexOf(ops, "n2:bindHandedOver:2"), ops.toString());
        assertEquals(Cause.MAINTENANCE, last(sim.node("n3")).cause());
        assertEquals(Outcome.ALREADY_DONE, sim.node("n3").machine.maintenance(true).outcome());
        sim.node("n3").machine.maintenance(false);
        sim.flush();
        sim.advance(200);
        assertEquals(Role.BACKUP, sim.node("n3").role());
    }

    @Test
    void maintenanceIsRefusedWhenNobodyCouldTakeOver() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1", c -> c);
        sim.add("solo", "10.0.0.1");
        sim.startAll();
        assertEquals(Outcome.REFUSED, sim.node("solo").machine.maintenance(true).outcome());
        assertEquals(Role.MASTER, sim.node("solo").role());
    }

    @Test
    void switchoverIsRefusedWithTheReason() throws Exception {
        SimCluster sim = three();
        RoleMachine m = sim.node("n1").machine;
        assertEquals(Outcome.UNKNOWN_TARGET, m.switchover(Optional.of("nobody")).outcome());
        assertEquals(Outcome.ALREADY_DONE, m.switchover(Optional.of("n3")).outcome());
        sim.node("n2").gatekeeper.set(GatekeeperState.FAILED);
        sim.advance(100);
        var unhealthy = m.switchover(Optional.of("n2"));
        assertEquals(Outcome.TARGET_NOT_ELIGIBLE, unhealthy.outcome());
        assertTrue(unhealthy.message().contains("unhealthy"), unhealthy.message());
        sim.node("n2").gatekeeper.set(GatekeeperState.RUNNING);
        sim.node("n2").machine.maintenance(true);
        sim.flush();
        sim.advance(100);
        var drained = m.switchover(Optional.of("10.0.0.2"));
        assertTrue(drained.message().contains("maintenance"), drained.message());
        sim.node("n2").machine.maintenance(false);
        sim.isolate("n2");
        sim.advance(800);
        sim.viewsFromLinks();
        var unreachable = m.switchover(Optional.of("n2"));
        assertEquals(Outcome.TARGET_NOT_ELIGIBLE, unreachable.outcome());
        assertTrue(unreachable.message().contains("unreachable"), unreachable.message());
        var stale = sim.node("n2").machine.switchover(Optional.of("n1"));
        assertEquals(Outcome.REFUSED, stale.outcome());
        assertTrue(stale.message().contains("quorate"), stale.message());
    }

    @Test
    void switchoverMovesTheMasterReleasingBeforeBinding() throws Exception {
        SimCluster sim = three();
        sim.ops.log.clear();
        assertEquals(Outcome.ACCEPTED, sim.node("n1").machine.switchover(Optional.of("n1")).outcome());
        sim.flush();
        sim.advance(300);
        assertEquals(List.of("n1"), sim.masters());
        List<String> ops = sim.ops.snapshot();
        // A hand-over: n3 released, verified and resigned, so n1 binds without the duplicate address check.
        assertTrue(indexOf(ops, "n3:release") >= 0, ops.toString());
        assertTrue(indexOf(ops, "n3:release") < indexOf(ops, "n1:bindHandedOver:2"), ops.toString());
        assertEquals(Cause.SWITCHOVER, last(sim.node("n1")).cause());
        assertEquals(Cause.SWITCHOVER, last(sim.node("n3")).cause());
        assertEquals(Cause.SWITCHOVER, sim.node("n2").machine.status().lastFailoverCause().orElseThrow());
        // best: the best other eligible member
        assertEquals(Outcome.ACCEPTED, sim.node("n2").machine.switchover(Optional.empty()).outcome());
        sim.flush();
        sim.advance(300);
        assertEquals(List.of("n3"), sim.masters());
    }

    /**
     * The switchover ends with the epoch it was asked in. Before, n3 kept "switchover to n1" after n1's promotion
     * (only the target dropped it); once n1 lost the role and n3 had it again, n3 handed it to n1, whose own rule named
     * n3: nobody stood until the request expired (6.5 s on the fast profile).
     */
    @Test
    void aSwitchoverThatIsOverDoesNotTakeTheRoleAwayFromTheNextMaster() throws Exception {
        SimCluster sim = three();
        assertEquals(Outcome.ACCEPTED, sim.node("n2").machine.switchover(Optional.of("n1")).outcome());
        sim.flush();
        sim.advance(300);
        assertEquals(List.of("n1"), sim.masters());
        sim.isolate("n1");
        sim.advance(750);
        sim.viewsFromLinks();
        sim.advance(500);
        assertEquals(List.of("n3"), sim.masters(), "the majority elects the patent's choice");
        sim.healAll();
        sim.viewsFromLinks();
        for (int i = 0; i < 20; i++) {
            sim.advance(100);
            assertEquals(List.of("n3"), sim.masters(), "after the heal, at " + (i + 1) * 100 + " ms");
        }
        assertEquals(List.of("n3"), sim.vipHolders());
    }

    /**
     * The master hands over only to a target that shows it holds the switchover: here the request never reached n1
     * (cut off while it was sent). Before, n3 let go as soon as n1 was back and n1's rule named n3: no master until the
     * request expired.
     */
    @Test
    void aSwitchoverToATargetThatNeverHeardOfItLeavesTheMasterServing() throws Exception {
        SimCluster sim = three();
        sim.isolate("n1");
        assertEquals(Outcome.ACCEPTED, sim.node("n2").machine.switchover(Optional.of("n1")).outcome());
        sim.flush();
        sim.healAll();
        for (int i = 0; i < 20; i++) {
            sim.advance(100);
            assertEquals(List.of("n3"), sim.masters(), "at " + (i + 1) * 100 + " ms");
        }
        assertEquals(List.of("n3"), sim.vipHolders());
    }

    @Test
    void aSwitchoverToAColdStandbyStartsItsGatekeeperBeforeTheMasterLetsTheVipGo() throws Exception {
        SimCluster sim = three();
        sim.node("n2").gatekeeper.coldStandby();
        sim.advance(200);
        sim.ops.log.clear();
        sim.node("n1").machine.switchover(Optional.of("n2"));
        sim.flush();
        sim.advance(300);
        assertEquals(List.of("n2"), sim.masters());
        List<String> ops = sim.ops.snapshot();
        assertTrue(indexOf(ops, "n2:prepare:2") >= 0 && indexOf(ops, "n2:prepare:2") < indexOf(ops, "n3:release"),
                "the target's gatekeeper first, then the release: " + ops);
        assertTrue(indexOf(ops, "n3:release") < indexOf(ops, "n2:bindHandedOver:2"), ops.toString());
    }

    @Test
    void aSwitchoverTheOperatorWasToldWasRefusedDoesNotHappenLater() throws Exception {
        SimCluster sim = three();
        sim.node("n2").gatekeeper.coldStandby();
        sim.advance(200);
        sim.ops.log.clear();
        // The request went out, then the operator's wait ran out (the role thread was busy): refused.
        sim.node("n1").machine.switchover(Optional.of("n2"));
        sim.node("n1").machine.cancelSwitchover(Optional.of("n2"));
        sim.flush();
        sim.advance(2000);
        assertEquals(List.of("n3"), sim.masters(), "the master keeps the role: " + sim.ops.snapshot());
        assertFalse(sim.ops.snapshot().contains("n3:release"), sim.ops.snapshot().toString());
        assertEquals(GatekeeperState.STOPPED, sim.node("n2").gatekeeper.state(),
                "a gatekeeper started for the switchover goes back to cold standby: " + sim.ops.snapshot());
    }

    @Test
    void aSwitchoverToATargetWhoseGatekeeperCannotStartLeavesTheMasterServing() throws Exception {
        SimCluster sim = three();
        sim.node("n2").gatekeeper.coldStandby();
        sim.node("n2").gatekeeper.failPrepare = true;
        sim.advance(200);
        sim.ops.log.clear();
        sim.node("n1").machine.switchover(Optional.of("n2"));
        sim.flush();
        sim.advance(1000);
        assertEquals(List.of("n3"), sim.masters(), "the master keeps the VIP while the target is not ready");
        assertFalse(sim.ops.snapshot().contains("n3:release"), sim.ops.snapshot().toString());
        assertTrue(sim.node("n3").vip.bound);
    }

    @Test
    void theSuccessorOfACutOffMasterGetsReadyWhileThePromiseRunsAndBindsOnceItRanOut() throws Exception {
        SimCluster sim = three();
        sim.node("n2").gatekeeper.coldStandby();
        sim.advance(200);
        sim.ops.log.clear();
        sim.isolate("n3");
        sim.advance(200);
        List<String> ops = sim.ops.snapshot();
        assertTrue(ops.contains("n2:prepare:2"), "the gatekeeper starts before the voters' promise (250 ms) ran out: "
                + ops);
        assertFalse(sim.vipHolders().contains("n2"), "nothing is bound before the votes: " + ops);
        sim.advance(100);
        assertEquals(List.of("n2"), sim.vipHolders(), "bound within two ticks of the promise: " + sim.ops.snapshot());
    }

    @Test
    void aMasterLateByLessThanTheLeadCostsItsSuccessorNothing() throws Exception {
        SimCluster sim = three();
        sim.node("n2").gatekeeper.coldStandby();
        sim.advance(200);
        sim.ops.log.clear();
        sim.isolate("n3");
        sim.advance(50);
        sim.healAll();
        sim.advance(1000);
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(List.of(), sim.ops.snapshot(), "no gatekeeper started, nothing released or bound");
    }

    @Test
    void aCandidateWhoseBindFailedHandsNothingOverItsSuccessorStillChecks() throws Exception {
        SimCluster sim = three();
        sim.checkTheVipOnThePublicSide();
        sim.ops.log.clear();
        // A master stopped without a watchdog: its kernel still answers for the VIP.
        sim.node("n3").paused = true;
        for (int i = 0; i < 60; i++) {
            sim.advance(50);
            assertTrue(sim.vipHolders().size() <= 1, "two VIP holders: " + sim.vipHolders() + " " + sim.ops.snapshot());
        }
        List<String> ops = sim.ops.snapshot();
        assertTrue(ops.contains("n2:bindConflict"), "n2's check found the stopped master: " + ops);
        assertFalse(ops.stream().anyMatch(o -> o.contains("bindHandedOver")), ops.toString());
    }

    @Test
    void aFailoverAfterACrashStillChecksForADuplicateAddress() throws Exception {
        SimCluster sim = three();
        sim.ops.log.clear();
        sim.crash("n3");
        sim.advance(1000);
        assertEquals(List.of("n2"), sim.masters());
        List<String> ops = sim.ops.snapshot();
        assertTrue(indexOf(ops, "n2:bind:2") >= 0, "no resignation, no hand-over: " + ops);
        assertFalse(ops.contains("n2:bindHandedOver:2"), ops.toString());
    }

    @Test
    void aMasterWhoseReleaseIsUnverifiedDoesNotResignAndTheVotersWaitForTheirPromise() throws Exception {
        SimCluster sim = three();
        sim.node("n3").vip.releaseProblem = "203.0.113.10 still on eth1";
        sim.node("n2").machine.switchover(Optional.of("n2"));
        sim.flush();
        sim.advance(100);
        assertEquals(List.of(), sim.masters(), "nobody may bind while the old master's release is unverified");
        sim.advance(500);
        assertEquals(List.of("n2"), sim.masters(), "after the promise (300 ms) the voters are free");
    }

    @Test
    void aReturningBetterNodeDoesNotPreemptByDefault() throws Exception {
        SimCluster sim = three();
        sim.crash("n3");
        sim.advance(300);
        assertEquals(List.of("n2"), sim.masters());
        sim.node("n3").start();
        sim.viewsFromLinks();
        sim.advance(5000);
        assertEquals(List.of("n2"), sim.masters());
        assertEquals(Role.BACKUP, sim.node("n3").role());
    }

    @Test
    void withPreemptTheBetterNodeTakesOverAfterTheDelay() throws Exception {
        SimCluster sim = three(c -> c.with("preempt", true).with("preempt.delay.ms", 2000L));
        sim.crash("n3");
        sim.advance(300);
        sim.node("n3").start();
        sim.viewsFromLinks();
        sim.advance(1500);
        assertEquals(List.of("n2"), sim.masters(), "not before the delay");
        sim.advance(1500);
        assertEquals(List.of("n3"), sim.masters());
        assertEquals(Cause.PREEMPTION, last(sim.node("n2")).cause());
    }

    @Test
    void theEpochIsKeptOnDiskAndNeverGoesBackAfterAllNodesRestart() throws Exception {
        SimCluster sim = three();
        sim.crash("n3");
        sim.advance(300);
        long before = sim.node("n2").machine.status().epoch();
        assertEquals(2, before);
        for (SimCluster.Node n : sim.nodes.values()) {
            n.down = true;
        }
        for (SimCluster.Node n : sim.nodes.values()) {
            n.start();
        }
        sim.viewsFromLinks();
        sim.advance(1000);
        assertEquals(List.of("n3"), sim.masters());
        assertTrue(sim.node("n3").machine.status().epoch() > before);
        EpochStore store = new EpochStore(dir.resolve("n1/epoch"));
        assertEquals(sim.node("n3").machine.status().epoch(), store.current());
    }

    @Test
    void aGatekeeperThatCannotStartLeavesTheNodeInFaultWithoutTheVip() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1", c -> c);
        SimCluster.Node solo = sim.add("solo", "10.0.0.1");
        solo.gatekeeper.failPrepare = true;
        sim.startAll();
        assertEquals(Role.FAULT, solo.role());
        assertFalse(solo.vip.bound);
        assertEquals(List.of("solo:prepare:1", "solo:standDown"), sim.ops.snapshot());
    }

    @Test
    void aVipConflictIsReportedAndNothingStaysBound() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1", c -> c);
        SimCluster.Node solo = sim.add("solo", "10.0.0.1");
        solo.vip.conflict = true;
        sim.startAll();
        assertEquals(Role.FAULT, solo.role());
        assertFalse(solo.vip.bound);
        assertTrue(solo.publisher.listener.events.stream().anyMatch(e -> e.type() == EventType.VIP_CONFLICT));
        assertEquals(Cause.VIP_CONFLICT, last(solo).cause());
    }

    @Test
    void aNodeWhoseBindAlwaysFailsBacksOffAndAHealthyBackupServes() throws Exception {
        SimCluster sim = new SimCluster(dir, THREE, c -> c);
        sim.add("n1", "10.0.0.1");
        sim.add("n2", "10.0.0.2");
        sim.add("n3", "10.0.0.3");
        sim.node("n3").vip.failBind = true;
        sim.startAll();
        sim.advance(300_000);
        assertEquals(List.of("n2"), sim.masters());
        assertEquals(List.of("n2"), sim.vipHolders());
        long transitions = sim.node("n3").journal.history().stream().filter(t -> t.from() != Role.INITIALIZING)
                .count();
        assertTrue(transitions <= 10, "n3 churned: " + sim.node("n3").journal.history());
        assertTrue(sim.node("n3").journal.alarms().stream().anyMatch(a -> a.id().equals("promotion-failed")));
        // n3 won epoch 1 but never bound: n2 is master of epoch 2, and nothing makes the epoch climb after that.
        assertEquals(2, sim.node("n2").machine.status().epoch());
        assertEquals(2, sim.node("n3").machine.status().epoch());
        assertEquals(Role.BACKUP, sim.node("n3").role(), "back once its back-off passed; n2 keeps the role");
    }

    @Test
    void twoMembersWithOneNameNeverBothServeAndTheAlarmNamesBothAddresses() throws Exception {
        SimCluster sim = new SimCluster(dir, THREE, c -> c);
        sim.add("n1", "10.0.0.1", c -> c.with("node.name", "twin"));
        sim.add("n2", "10.0.0.2");
        sim.add("n3", "10.0.0.3", c -> c.with("node.name", "twin"));
        sim.startAll();
        sim.advance(2000);
        assertEquals(List.of("n3"), sim.masters(), "the twin with the higher address serves");
        assertEquals(Role.FAULT, sim.node("n1").role());
        String problem = sim.node("n1").machine.status().problem();
        assertTrue(problem.contains("10.0.0.1") && problem.contains("10.0.0.3"), problem);
        assertTrue(sim.node("n3").journal.alarms().stream()
                .anyMatch(a -> a.id().equals("duplicate-name:10.0.0.1") && a.text().contains("10.0.0.3")));
        sim.crash("n3");
        sim.advance(2000);
        assertEquals(List.of("n2"), sim.masters(), "the other twin stays out even when n3 is gone");
    }

    @Test
    void aReleaseThatCannotBeVerifiedRaisesOneAlarmUntilARetryWorks() throws Exception {
        SimCluster sim = three();
        sim.node("n1").vip.releaseProblem = "VIP release not verified after 3 attempts; retrying in 400 ms";
        sim.advance(300);
        assertTrue(sim.node("n1").journal.alarms().stream()
                .anyMatch(a -> a.id().equals("vip-release-failed") && a.text().contains("not verified")));
        long raised = sim.node("n1").publisher.listener.events.stream()
                .filter(e -> e.details().getOrDefault(GuardianEvent.TEXT, "").contains("not verified")).count();
        assertEquals(1, raised, "one notification, not one per check");
        sim.node("n1").vip.releaseProblem = "";
        sim.advance(300);
        assertFalse(sim.node("n1").journal.alarms().stream().anyMatch(a -> a.id().equals("vip-release-failed")));
    }

    @Test
    void historyKeepsTheLastTransitionsOnly() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1", c -> c.with("history.size", 2));
        SimCluster.Node solo = sim.add("solo", "10.0.0.1");
        sim.startAll();
        solo.gatekeeper.set(GatekeeperState.FAILED);
        sim.advance(100);
        solo.gatekeeper.set(GatekeeperState.RUNNING);
        sim.advance(100);
        List<RoleTransition> h = solo.journal.history();
        assertEquals(2, h.size(), h.toString());
        assertEquals(Role.FAULT, h.get(0).from());
        assertEquals(Role.BACKUP, h.get(0).to());
        assertEquals(Role.MASTER, h.get(1).to());
        assertEquals(List.of("solo:bind:1", "solo:release", "solo:bind:2"), sim.ops.snapshot().stream()
                .filter(o -> o.contains(":bind") || o.contains(":release")).toList());
    }

    @Test
    void stoppingAMasterReleasesTheVipFirst() throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1", c -> c);
        SimCluster.Node solo = sim.add("solo", "10.0.0.1");
        sim.startAll();
        sim.ops.log.clear();
        solo.machine.stop(Cause.SHUTDOWN);
        assertEquals(List.of("solo:release", "solo:standDown"), sim.ops.snapshot());
        assertEquals(Role.STOPPED, solo.role());
    }

    private static RoleTransition last(SimCluster.Node n) {
        List<RoleTransition> h = n.journal.history();
        return h.get(h.size() - 1);
    }
}
