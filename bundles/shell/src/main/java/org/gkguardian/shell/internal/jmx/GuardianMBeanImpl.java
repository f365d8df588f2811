package org.gkguardian.shell.internal.jmx;

import java.util.Optional;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.MirrorControl;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the guardian as an MBean. Karaf's management feature (Aries JMX whiteboard) registers
 * every service whose interface name ends in {@code MBean} under its {@code jmx.objectname}, and
 * removes it with the service, so no MBeanServer is touched here.
 */
@Component(service = GuardianMBean.class, property = "jmx.objectname=" + GuardianMBean.OBJECT_NAME)
public class GuardianMBeanImpl extends StandardMBean implements GuardianMBean {

    private static final Logger LOG = LoggerFactory.getLogger(GuardianMBeanImpl.class);

    private final Guardian guardian;
    private final MirrorControl mirror;

    @Activate
    public GuardianMBeanImpl(@Reference(name = "guardian") Guardian guardian,
            @Reference(name = "mirrorControl") MirrorControl mirror) throws NotCompliantMBeanException {
        super(GuardianMBean.class);
        this.guardian = guardian;
        this.mirror = mirror;
    }

    private NodeStatus status() {
        return guardian.status();
    }

    @Override
    public String getName() {
        return status().name();
    }

    @Override
    public String getInternalAddress() {
        return status().internalAddress().getHostAddress();
    }

    @Override
    public int getPriority() {
        return status().priority();
    }

    @Override
    public String getRole() {
        return status().role().label();
    }

    @Override
    public String getRoleSince() {
        return status().roleSince().toString();
    }

    @Override
    public long getEpoch() {
        return status().epoch();
    }

    @Override
    public String getMaster() {
        return status().master().orElse("");
    }

    @Override
    public String[] getVips() {
        return status().vips().stream()
                .map(v -> v.vip() + (v.bound() ? " bound" : " not bound") + (v.detail().isEmpty() ? "" : " (" + v.detail() + ")"))
                .toArray(String[]::new);
    }

    @Override
    public String getQuorum() {
        return status().quorum().label();
    }

    @Override
    public long getLeaseMillis() {
        return status().lease().toMillis();
    }

    @Override
    public String getGatekeeper() {
        return status().gatekeeper().label();
    }

    @Override
    public String getConfigDigest() {
        return status().configDigest();
    }

    @Override
    public long getFailoverCount() {
        return status().failoverCount();
    }

    @Override
    public String getLastFailover() {
        return status().lastFailover().map(Object::toString).orElse("");
    }

    @Override
    public String getLastFailoverCause() {
        return status().lastFailoverCause().map(c -> c.label()).orElse("");
    }

    @Override
    public boolean isConfigured() {
        return status().configured();
    }

    @Override
    public String getProblem() {
        return status().problem();
    }

    @Override
    public String[] getMembers() {
        return guardian.members().stream().map(GuardianMBeanImpl::member).toArray(String[]::new);
    }

    private static String member(MemberStatus m) {
        return m.index() + " " + m.name() + " " + m.internalAddress().getHostAddress() + " role=" + m.role().label()
                + " reachable=" + m.reachable() + " gatekeeper=" + m.gatekeeper().label()
                + m.state().map(s -> " priority=" + s.priority() + " epoch=" + s.epoch() + " eligible=" + s.eligible())
                        .orElse("")
                + m.lastHeard().map(t -> " lastHeard=" + t).orElse("");
    }

    @Override
    public String[] getHistory() {
        return guardian.history().stream()
                .map(t -> t.at() + " " + t.node() + " " + t.from().label() + "->" + t.to().label() + " epoch=" + t.epoch()
                        + " cause=" + t.cause().label() + " took=" + t.took().toMillis() + "ms master="
                        + (t.master().isEmpty() ? "none" : t.master()) + (t.detail().isEmpty() ? "" : " " + t.detail()))
                .toArray(String[]::new);
    }

    @Override
    public String[] getAlarms() {
        return guardian.activeAlarms().stream()
                .map(a -> a.raised() + " " + a.severity().label() + " " + a.id() + " " + a.probableCause().label() + " "
                        + a.text())
                .toArray(String[]::new);
    }

    @Override
    public String[] getMirror() {
        return mirror.mirrorStatus().stream()
                .map(m -> m.index() + " " + m.name() + " " + m.internalAddress().getHostAddress() + " digest="
                        + (m.digest().isEmpty() ? "none" : m.digest()) + " master=" + m.master() + " matches="
                        + m.matches() + m.lastMatched().map(t -> " lastMatched=" + t).orElse(""))
                .toArray(String[]::new);
    }

    @Override
    public String mirrorPush() {
        LOG.info("Configuration push requested over JMX");
        return answer(mirror.push());
    }

    @Override
    public String switchover(String target) {
        Optional<String> member = Optional.ofNullable(target).map(String::trim).filter(t -> !t.isEmpty());
        LOG.info("Switchover to {} requested over JMX", member.orElse("the best other member"));
        return answer(guardian.switchover(member));
    }

    @Override
    public String maintenance(boolean on) {
        LOG.info("Maintenance {} requested over JMX", on ? "on" : "off");
        return answer(guardian.maintenance(on));
    }

    private static String answer(OperatorResult result) {
        String text = result.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (result.message().isEmpty() ? "" : ": " + result.message());
        if (!result.isAccepted()) {
            throw new IllegalStateException(text);
        }
        return text;
    }

    @Override
    protected String getDescription(MBeanOperationInfo op) {
        return switch (op.getName()) {
            case "switchover" -> "Hands the master role to a member (empty: the best other eligible member)";
            case "maintenance" -> "Drains this node (true) or brings it back (false)";
            case "mirrorPush" -> "Sends the master's mirrored configuration files to every backup now";
            default -> super.getDescription(op);
        };
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return switch (op.getName()) {
            case "switchover" -> "target";
            case "maintenance" -> "on";
            default -> super.getParameterName(op, param, sequence);
        };
    }
}
