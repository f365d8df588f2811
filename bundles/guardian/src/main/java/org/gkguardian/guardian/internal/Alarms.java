package org.gkguardian.guardian.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Severity;
import org.gkguardian.api.VipControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alarms the role machine raises and clears on what it observes: a member that left the view, a member using this
 * node's name, a gatekeeper configuration that differs, the local gatekeeper's faults, a VIP conflict that is over,
 * and a VIP release here that could not be verified. Role thread only.
 */
final class Alarms {

    private static final Logger LOG = LoggerFactory.getLogger(Alarms.class);

    private final Supplier<Settings> settings;
    private final PeerTracker peers;
    private final Notices notices;
    private final HealthGate health;
    private final VipControl vip;

    Alarms(Supplier<Settings> settings, PeerTracker peers, Notices notices, HealthGate health, VipControl vip) {
        this.settings = settings;
        this.peers = peers;
        this.notices = notices;
        this.health = health;
        this.vip = vip;
    }

    /** Members that left the view are down; members that came back are up again. */
    void viewChanged(PeerTracker.ViewChange change) {
        for (InetAddress gone : change.gone()) {
            if (settings.get().members().contains(gone)) {
                String who = peers.nameOf(gone);
                notices.raise(EventType.MEMBER_DOWN, Cause.FAILURE, Map.of(GuardianEvent.MEMBER, who),
                        "member-down:" + gone.getHostAddress(), Severity.MAJOR, "member " + who + " left the view");
            }
        }
        for (InetAddress came : change.came()) {
            notices.cleared(EventType.MEMBER_UP, "member-down:" + came.getHostAddress(), Cause.ELECTION,
                    Map.of(GuardianEvent.MEMBER, peers.nameOf(came)));
        }
    }

    /**
     * Two members with one name would both take the election's choice for themselves: the one with the lower
     * internal address stays out of the elections until the names differ; both raise an alarm naming both addresses.
     */
    void checkName(MemberState m) {
        Settings s = settings.get();
        String alarm = "duplicate-name:" + m.internalAddress().getHostAddress();
        if (!m.name().equals(s.nodeName())) {
            if (notices.clear(alarm, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()))) {
                health.duplicateName("");
            }
            return;
        }
        String text = "node.name '" + m.name() + "' is used by both " + s.internalAddress().getHostAddress()
                + " and " + m.internalAddress().getHostAddress();
        notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()), alarm,
                Severity.CRITICAL, text);
        boolean lower = new BigInteger(1, s.internalAddress().getAddress())
                .compareTo(new BigInteger(1, m.internalAddress().getAddress())) < 0;
        if (lower) {
            health.duplicateName(text + "; the member with the higher address keeps the name");
        }
    }

    /** A member whose gatekeeper configuration differs from ours (when both are known) is alarmed until it agrees. */
    void checkConfig(MemberState m, String ourDigest) {
        String mismatch = "config-mismatch:" + m.internalAddress().getHostAddress();
        if (!ourDigest.isEmpty() && !m.configDigest().isEmpty() && !ourDigest.equals(m.configDigest())) {
            notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()),
                    mismatch, Severity.WARNING, "gatekeeper configuration of " + m.name() + " differs from ours");
        } else {
            notices.clear(mismatch, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()));
        }
    }

    /**
     * The local gatekeeper's health, alarmed while it is faulty; a VIP conflict's alarm is cleared once its hold is
     * over, unless this node is master.
     */
    void watchHealth(GatekeeperState gatekeeper, boolean master, long now) {
        if (health.gatekeeper(gatekeeper.healthy(), gatekeeper.label())) {
            if (health.gatekeeperHealthy()) {
                notices.cleared(EventType.GATEKEEPER_RECOVERED, "gatekeeper-fault", Cause.HEALTH, Map.of());
            } else {
                notices.raise(EventType.GATEKEEPER_FAULT, Cause.HEALTH, Map.of(), "gatekeeper-fault",
                        Severity.CRITICAL, "the local gatekeeper is " + gatekeeper.label());
            }
        }
        if (health.conflictOver(now) && !master) {
            notices.clear("vip-conflict", Cause.VIP_CONFLICT, Map.of());
        }
    }

    /**
     * A release that could not be verified leaves the VIP here, where every other node's duplicate-address check
     * refuses it: one alarm while the provider retries, cleared when a retry worked.
     */
    void watchRelease() {
        Optional<String> problem;
        try {
            problem = vip.releaseProblem();
        } catch (RuntimeException e) {
            problem = Optional.of("release state unavailable: " + e);
        }
        if (problem.isPresent()) {
            notices.raise(EventType.VIP_CONFLICT, Cause.HEALTH, Map.of(), "vip-release-failed", Severity.CRITICAL,
                    problem.get());
        } else if (notices.clear("vip-release-failed", Cause.HEALTH, Map.of())) {
            LOG.info("The VIP release on {} is verified now", settings.get().nodeName());
        }
    }
}
