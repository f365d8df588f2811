package org.gkguardian.election.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.gkguardian.api.ElectionInput;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;

/** Properties that hold for any set of member states. */
class PatentElectionRulePropertyTest {

    private static final List<String> ADDRESSES = List.of("198.51.100.1", "198.51.100.2", "198.51.100.10",
            "198.51.100.200", "10.0.0.1", "255.255.255.255", "2001:db8::1", "2001:db8::ff", "::1", "fe80::1");

    private final PatentElectionRule rule = new PatentElectionRule();

    @Property
    boolean theMasterIsAnEligibleVisibleMember(@ForAll("inputs") ElectionInput input) {
        return rule.decide(input).master()
                .map(name -> input.visibleMembers().stream().anyMatch(m -> m.name().equals(name) && m.eligible()))
                .orElse(true);
    }

    @Property
    boolean noMasterWithoutQuorum(@ForAll("inputs") ElectionInput input) {
        ElectionInput withoutQuorum = new ElectionInput(input.visibleMembers(), false, input.preempt(),
                input.switchoverTo());
        return rule.decide(withoutQuorum).master().isEmpty();
    }

    @Property
    boolean aQuoratePartitionWithAnEligibleMemberAlwaysHasAMaster(@ForAll("inputs") ElectionInput input) {
        boolean someoneEligible = input.visibleMembers().stream().anyMatch(MemberState::eligible);
        return !input.quorate() || rule.decide(input).master().isPresent() == someoneEligible;
    }

    @Property
    boolean theResultDoesNotDependOnTheOrderOfTheMembers(@ForAll("inputs") ElectionInput input,
            @ForAll Random random) {
        List<MemberState> shuffled = new ArrayList<>(input.visibleMembers());
        Collections.shuffle(shuffled, random);
        ElectionInput permuted = new ElectionInput(shuffled, input.quorate(), input.preempt(), input.switchoverTo());
        return rule.decide(input).equals(rule.decide(permuted));
    }

    @Property
    boolean everyMemberThatSeesTheSameViewDecidesTheSame(@ForAll("inputs") ElectionInput input) {
        // Each member runs its own instance on its own copy of the view.
        ElectionInput copy = new ElectionInput(new ArrayList<>(input.visibleMembers()), input.quorate(),
                input.preempt(), input.switchoverTo());
        return new PatentElectionRule().decide(input).equals(new PatentElectionRule().decide(copy))
                && rule.decide(input).equals(rule.decide(input));
    }

    @Property
    boolean withoutMasterOrSwitchoverThePatentsRuleDecides(@ForAll("inputs") ElectionInput input) {
        boolean someoneClaims = input.visibleMembers().stream().anyMatch(m -> m.role() == Role.MASTER);
        if (!input.quorate() || someoneClaims || input.switchoverTo().isPresent()) {
            return true;
        }
        Optional<MemberState> expected = input.visibleMembers().stream().filter(MemberState::eligible)
                .max(Comparator.comparingInt(MemberState::priority)
                        .thenComparing((a, b) -> new java.math.BigInteger(1, PatentOrder.asSixteenBytes(
                                a.internalAddress())).compareTo(new java.math.BigInteger(1,
                                        PatentOrder.asSixteenBytes(b.internalAddress()))))
                        .thenComparing(MemberState::name));
        return rule.decide(input).master().equals(expected.map(MemberState::name));
    }

    @Property
    boolean anEligibleMasterIsKeptWithoutPreemptionOrSwitchover(@ForAll("inputs") ElectionInput input) {
        List<MemberState> eligibleMasters = input.visibleMembers().stream()
                .filter(m -> m.role() == Role.MASTER && m.eligible()).toList();
        if (!input.quorate() || input.preempt() || input.switchoverTo().isPresent() || eligibleMasters.isEmpty()) {
            return true;
        }
        String kept = rule.decide(input).master().orElseThrow();
        return eligibleMasters.stream().anyMatch(m -> m.name().equals(kept));
    }

    /**
     * Carrying out a decision (the winner becomes master with a new epoch, other masters stand down)
     * and deciding again keeps the same master: the election does not flap. The exception is by
     * design: with preemption on, a switchover to a worse member is undone once the best member asks
     * to preempt, so that case is left out.
     */
    @Property
    boolean aDecisionCarriedOutIsStable(@ForAll("inputs") ElectionInput input) {
        if (input.preempt() && input.switchoverTo().isPresent()) {
            return true;
        }
        ElectionResult first = rule.decide(input);
        long nextEpoch = input.visibleMembers().stream().mapToLong(MemberState::epoch).max().orElse(0) + 1;
        List<MemberState> after = input.visibleMembers().stream().map(m -> {
            if (first.master().filter(m.name()::equals).isPresent()) {
                return m.withRole(Role.MASTER).withEpoch(nextEpoch);
            }
            return m.role() == Role.MASTER || m.role() == Role.INITIALIZING ? m.withRole(Role.BACKUP) : m;
        }).toList();
        ElectionResult second = rule.decide(new ElectionInput(after, input.quorate(), input.preempt()));
        return second.master().equals(first.master());
    }

    /** With a majority quorum, the partitions of one cluster never elect two masters. */
    @Property
    boolean twoPartitionsUnderMajorityQuorumNeverBothHaveAMaster(@ForAll("members") List<MemberState> members,
            @ForAll Random random, @ForAll boolean preempt) {
        List<MemberState> left = new ArrayList<>();
        List<MemberState> right = new ArrayList<>();
        members.forEach(m -> (random.nextBoolean() ? left : right).add(m));
        int configured = members.size();
        ElectionResult l = rule.decide(new ElectionInput(left, 2 * left.size() > configured, preempt));
        ElectionResult r = rule.decide(new ElectionInput(right, 2 * right.size() > configured, preempt));
        return l.master().isEmpty() || r.master().isEmpty();
    }

    @Provide
    Arbitrary<ElectionInput> inputs() {
        Arbitrary<Optional<String>> switchover = Arbitraries.of("node0", "node1", "node2", "node5", "nobody")
                .injectNull(0.6).map(Optional::ofNullable);
        return Combinators.combine(members(), Arbitraries.of(true, false), Arbitraries.of(true, false),
                switchover).as(ElectionInput::new);
    }

    @Provide
    Arbitrary<List<MemberState>> members() {
        Arbitrary<MemberState> member = Combinators.combine(
                Arbitraries.of(ADDRESSES).map(Members::address),
                Arbitraries.of(0, 100, 100, 200),
                Arbitraries.integers().between(0, 9).map(n -> n > 1), // healthy most of the time
                Arbitraries.of(Role.class),
                Arbitraries.longs().between(0, 4),
                Arbitraries.integers().between(0, 9).map(n -> n == 0),
                Arbitraries.of(true, false))
                .as((address, priority, healthy, role, epoch, maintenance, preempt) -> new MemberState("unnamed",
                        address, priority, healthy, role, epoch, maintenance, "", preempt));
        // Names are unique in a cluster; addresses may collide so that the name's tie-break is exercised.
        return member.list().ofMaxSize(7).map(list -> IntStream.range(0, list.size())
                .mapToObj(i -> rename(list.get(i), "node" + i)).toList());
    }

    private static MemberState rename(MemberState m, String name) {
        return new MemberState(name, m.internalAddress(), m.priority(), m.healthy(), m.role(), m.epoch(),
                m.maintenance(), m.configDigest(), m.preemptRequested());
    }
}
