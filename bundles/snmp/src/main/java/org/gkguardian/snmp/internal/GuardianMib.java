package org.gkguardian.snmp.internal;

import static org.gkguardian.snmp.internal.GkgOids.child;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.gkguardian.api.Alarm;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.MirrorControl;
import org.gkguardian.api.MirrorMemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.VipStatus;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.PDU;
import org.snmp4j.agent.DefaultMOScope;
import org.snmp4j.agent.MOScope;
import org.snmp4j.agent.mo.GenericManagedObject;
import org.snmp4j.agent.request.RequestStatus;
import org.snmp4j.agent.request.SnmpRequest;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GK-GUARDIAN-MIB's objects (the gkgObjects subtree), read live from the guardian on every request,
 * and the control objects, which submit operator commands to it.
 */
final class GuardianMib implements GenericManagedObject {

    static final int ACTION_NONE = 1;
    static final int ACTION_SWITCHOVER = 2;
    static final int ACTION_MAINTENANCE_ON = 3;
    static final int ACTION_MAINTENANCE_OFF = 4;
    static final int ACTION_MIRROR_PUSH = 5;
    static final int RESULT_NONE = 1;

    private static final Logger LOG = LoggerFactory.getLogger(GuardianMib.class);

    private final Guardian guardian;
    private final Supplier<MirrorControl> mirror;
    private final Clock clock;
    private final MOScope scope = new DefaultMOScope(GkgOids.OBJECTS, true, GkgOids.OBJECTS.nextPeer(), false);
    private final List<Section> sections;
    private final List<NodeScalar> nodeScalars;

    /** Longer than Net-SNMP's default 1 s timeout times 5 retries, with room for slow managers. */
    static final Duration RETRY_WINDOW = Duration.ofSeconds(60);

    private final SetRetryGuard retries;
    private final Object controlLock = new Object();
    private long controlTarget;
    private int lastAction = ACTION_NONE;
    private int lastResult = RESULT_NONE;
    private String lastResultText = "";

    /** One subtree of the MIB with the function that reads all its instances at once, in OID order. */
    private record Section(OID prefix, Supplier<SortedMap<OID, Variable>> values) {
    }

    GuardianMib(Guardian guardian, Clock clock) {
        this(guardian, () -> null, clock);
    }

    GuardianMib(Guardian guardian, Supplier<MirrorControl> mirror, Clock clock) {
        this.guardian = guardian;
        this.mirror = mirror;
        this.clock = clock;
        this.retries = new SetRetryGuard(clock, RETRY_WINDOW, 256);
        this.nodeScalars = nodeScalarColumns();
        this.sections = List.of(
                new Section(GkgOids.NODE, this::nodeScalars),
                new Section(GkgOids.VIP_ENTRY, this::vipTable),
                new Section(GkgOids.MEMBER_ENTRY, this::memberTable),
                new Section(GkgOids.CONTROL, this::controlScalars),
                new Section(GkgOids.HISTORY_ENTRY, this::historyTable),
                new Section(GkgOids.ALARM_ENTRY, this::alarmTable),
                new Section(GkgOids.MIRROR_ENTRY, this::mirrorTable));
    }

    @Override
    public MOScope getScope() {
        return scope;
    }

    @Override
    public OID find(MOScope range) {
        return first(range, oid -> true).map(Map.Entry::getKey).orElse(null);
    }

    @Override
    public void get(SubRequest<?> request) {
        VariableBinding vb = request.getVariableBinding();
        try {
            Optional<NodeScalar> scalar = nodeScalarAt(vb.getOid());
            Variable value = scalar.isPresent() ? scalar.get().value().apply(guardian.status())
                    : sectionOf(vb.getOid()).map(s -> s.values().get().get(vb.getOid())).orElse(null);
            if (value != null) {
                vb.setVariable(value);
            } else {
                vb.setVariable(isKnownObject(vb.getOid()) ? Null.noSuchInstance : Null.noSuchObject);
            }
            request.completed();
        } catch (RuntimeException e) {
            LOG.warn("Reading {} from the guardian failed", vb.getOid(), e);
            request.getStatus().setErrorStatus(PDU.genErr);
        }
    }

    @Override
    public boolean next(SubRequest<?> request) {
        return next(request, oid -> true);
    }

    @Override
    public boolean next(SubRequest<?> request, Function<OID, Boolean> filter) {
        try {
            Optional<Map.Entry<OID, Variable>> found = first(request.getScope(), filter);
            if (found.isEmpty()) {
                return false;
            }
            VariableBinding vb = request.getVariableBinding();
            vb.setOid(found.get().getKey());
            vb.setVariable(found.get().getValue());
            request.completed();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Reading after {} from the guardian failed", request.getVariableBinding().getOid(), e);
            request.getStatus().setErrorStatus(PDU.genErr);
            return true;
        }
    }

    private Optional<Map.Entry<OID, Variable>> first(MOScope range, Function<OID, Boolean> filter) {
        OID lower = range.getLowerBound();
        for (Section section : sections) {
            if (lower != null && section.prefix().nextPeer().compareTo(lower) <= 0) {
                continue;
            }
            OID upper = range.getUpperBound();
            if (upper != null && section.prefix().compareTo(upper) > 0) {
                break;
            }
            for (Map.Entry<OID, Variable> e : section.values().get().entrySet()) {
                if (range.covers(e.getKey()) && filter.apply(e.getKey())) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Section> sectionOf(OID oid) {
        for (Section section : sections) {
            if (oid.startsWith(section.prefix())) {
                return Optional.of(section);
            }
        }
        return Optional.empty();
    }

    /** An OID that names an object of the MIB, so that a missing instance is noSuchInstance rather than noSuchObject. */
    private boolean isKnownObject(OID oid) {
        Optional<Section> section = sectionOf(oid);
        if (section.isEmpty() || oid.size() <= section.get().prefix().size()) {
            return false;
        }
        int column = oid.get(section.get().prefix().size());
        OID prefix = section.get().prefix();
        if (prefix.equals(GkgOids.NODE)) {
            return column >= 1 && column <= GkgOids.NODE_PROBLEM;
        }
        if (prefix.equals(GkgOids.CONTROL)) {
            return column >= 1 && column <= 4;
        }
        if (prefix.equals(GkgOids.MIRROR_ENTRY)) {
            return column >= 1 && column <= 4;
        }
        int columns = prefix.equals(GkgOids.VIP_ENTRY) ? 6 : prefix.equals(GkgOids.MEMBER_ENTRY) ? 12
                : prefix.equals(GkgOids.HISTORY_ENTRY) ? 7 : 6;
        return column >= 2 && column <= columns;
    }

    // --- SET: only gkgControlTarget and gkgControlAction are writable (and VACM lets only v3 authPriv writers here).

    @Override
    public void prepare(SubRequest<?> request) {
        VariableBinding vb = request.getVariableBinding();
        RequestStatus status = request.getStatus();
        OID oid = vb.getOid();
        if (oid.equals(GkgOids.CONTROL_TARGET)) {
            int error = checkTarget(vb.getVariable());
            if (error == PDU.noError) {
                status.setPhaseComplete(true);
            } else {
                status.setErrorStatus(error);
            }
        } else if (oid.equals(GkgOids.CONTROL_ACTION)) {
            prepareAction(request);
        } else if (isKnownObject(oid) && sectionOf(oid).map(s -> s.values().get().containsKey(oid)).orElse(false)) {
            status.setErrorStatus(PDU.notWritable);
        } else {
            status.setErrorStatus(PDU.noCreation);
        }
    }

    private static int checkTarget(Variable value) {
        if (value.getSyntax() != SMIConstants.SYNTAX_UNSIGNED_INTEGER32) {
            return PDU.wrongType;
        }
        long target = value.toLong();
        return target >= 0 && target <= 255 ? PDU.noError : PDU.wrongValue;
    }

    /*
     * The action is submitted to the guardian in the prepare phase, after the checks of this varbind:
     * only then can the guardian's refusal reach the manager as inconsistentValue (an error in the
     * commit phase would become commitFailed and lose the reason). A switchover cannot be undone anyway.
     */
    private void prepareAction(SubRequest<?> request) {
        VariableBinding vb = request.getVariableBinding();
        RequestStatus status = request.getStatus();
        if (vb.getVariable().getSyntax() != SMIConstants.SYNTAX_INTEGER32) {
            status.setErrorStatus(PDU.wrongType);
            return;
        }
        int action = vb.getVariable().toInt();
        if (action < ACTION_SWITCHOVER || action > ACTION_MIRROR_PUSH) {
            status.setErrorStatus(PDU.wrongValue);
            return;
        }
        long target = targetInSameRequest(request).orElseGet(() -> {
            synchronized (controlLock) {
                return controlTarget;
            }
        });
        SetRetryGuard.Outcome outcome = retryKey(request, action, target)
                .map(key -> retries.once(key, () -> submit(action, target)))
                .orElseGet(() -> new SetRetryGuard.Outcome(submit(action, target), false));
        OperatorResult result = outcome.result();
        if (outcome.retransmission()) {
            LOG.info("SNMP SET by {}: action {} target {} retransmitted; answered as the first time: {} ({})",
                    request.getRequest().getSecurityName(), actionLabel(action), target, result.outcome(),
                    result.message());
        } else {
            synchronized (controlLock) {
                lastAction = action;
                lastResult = result.outcome().ordinal() + 2;
                lastResultText = result.message();
            }
            LOG.info("SNMP SET by {}: action {} target {}: {} ({})", request.getRequest().getSecurityName(),
                    actionLabel(action), target, result.outcome(), result.message());
        }
        if (result.isAccepted()) {
            status.setPhaseComplete(true);
        } else {
            status.setErrorStatus(PDU.inconsistentValue);
        }
    }

    /** Who sent this SET and with which request-id; empty outside a real SNMP request. */
    private static Optional<SetRetryGuard.Key> retryKey(SubRequest<?> request, int action, long target) {
        if (!(request.getRequest() instanceof SnmpRequest snmp) || snmp.getSource() == null
                || snmp.getSource().getPDU() == null) {
            return Optional.empty();
        }
        CommandResponderEvent<?> event = snmp.getSource();
        return Optional.of(new SetRetryGuard.Key(String.valueOf(event.getPeerAddress()), event.getSecurityModel(),
                new OctetString(event.getSecurityName()).toString(), event.getPDU().getRequestID().getValue(), action,
                target));
    }

    private static Optional<Long> targetInSameRequest(SubRequest<?> request) {
        Iterator<?> it = request.getRequest().iterator();
        while (it.hasNext()) {
            SubRequest<?> other = (SubRequest<?>) it.next();
            VariableBinding vb = other.getVariableBinding();
            if (vb.getOid().equals(GkgOids.CONTROL_TARGET) && checkTarget(vb.getVariable()) == PDU.noError) {
                return Optional.of(vb.getVariable().toLong());
            }
        }
        return Optional.empty();
    }

    private OperatorResult submit(int action, long target) {
        try {
            return switch (action) {
                case ACTION_SWITCHOVER -> {
                    if (target == 0) {
                        yield guardian.switchover(Optional.empty());
                    }
                    Optional<String> name = guardian.members().stream().filter(m -> m.index() == target)
                            .map(MemberStatus::name).findFirst();
                    yield name.isPresent() ? guardian.switchover(name)
                            : OperatorResult.refused(OperatorResult.Outcome.UNKNOWN_TARGET,
                                    "no member has index " + target);
                }
                case ACTION_MAINTENANCE_ON -> guardian.maintenance(true);
                case ACTION_MIRROR_PUSH -> {
                    MirrorControl m = mirror.get();
                    yield m == null ? OperatorResult.refused(OperatorResult.Outcome.REFUSED,
                            "configuration mirroring is not available on this node") : m.push();
                }
                default -> guardian.maintenance(false);
            };
        } catch (RuntimeException e) {
            LOG.warn("The guardian failed on action {}", actionLabel(action), e);
            return OperatorResult.refused(OperatorResult.Outcome.REFUSED, "the guardian failed: " + e.getMessage());
        }
    }

    private static String actionLabel(int action) {
        return switch (action) {
            case ACTION_SWITCHOVER -> "switchover";
            case ACTION_MAINTENANCE_ON -> "maintenanceOn";
            case ACTION_MAINTENANCE_OFF -> "maintenanceOff";
            case ACTION_MIRROR_PUSH -> "mirrorPush";
            default -> "none";
        };
    }

    @Override
    public void commit(SubRequest<?> request) {
        VariableBinding vb = request.getVariableBinding();
        if (vb.getOid().equals(GkgOids.CONTROL_TARGET)) {
            synchronized (controlLock) {
                request.setUndoValue(controlTarget);
                controlTarget = vb.getVariable().toLong();
            }
        }
        request.getStatus().setPhaseComplete(true);
    }

    @Override
    public void undo(SubRequest<?> request) {
        if (request.getVariableBinding().getOid().equals(GkgOids.CONTROL_TARGET)
                && request.getUndoValue() instanceof Long previous) {
            synchronized (controlLock) {
                controlTarget = previous;
            }
        }
        request.getStatus().setPhaseComplete(true);
    }

    @Override
    public void cleanup(SubRequest<?> request) {
        request.setUndoValue(null);
        request.getStatus().setPhaseComplete(true);
    }

    // --- The instances of each section.

    /** One scalar of gkgNode: its instance's OID and how its value is read from the node's status. */
    private record NodeScalar(OID instance, Function<NodeStatus, Variable> value) {
    }

    /** gkgNode's scalars by column, from {@link GkgOids#NODE_NAME} (position 0) to {@link GkgOids#NODE_PROBLEM}. */
    private List<NodeScalar> nodeScalarColumns() {
        return List.of(
                nodeScalar(GkgOids.NODE_NAME, s -> MibValues.text(s.name())),
                nodeScalar(GkgOids.NODE_ROLE, s -> MibValues.role(s.role())),
                nodeScalar(GkgOids.NODE_ADDRESS_TYPE, s -> MibValues.addressType(Optional.ofNullable(s.internalAddress()))),
                nodeScalar(GkgOids.NODE_ADDRESS, s -> MibValues.address(Optional.ofNullable(s.internalAddress()))),
                nodeScalar(GkgOids.NODE_PRIORITY, s -> MibValues.unsigned(s.priority())),
                nodeScalar(GkgOids.NODE_EPOCH, s -> MibValues.unsigned(s.epoch())),
                nodeScalar(GkgOids.NODE_MASTER_NAME, s -> MibValues.text(s.master().orElse(""))),
                nodeScalar(GkgOids.NODE_MASTER_ADDRESS_TYPE, s -> MibValues.addressType(s.masterAddress())),
                nodeScalar(GkgOids.NODE_MASTER_ADDRESS, s -> MibValues.address(s.masterAddress())),
                nodeScalar(GkgOids.NODE_QUORUM, s -> MibValues.quorum(s.quorum())),
                nodeScalar(GkgOids.NODE_GATEKEEPER, s -> MibValues.gatekeeper(s.gatekeeper())),
                nodeScalar(GkgOids.NODE_CONFIG_DIGEST, s -> MibValues.text(s.configDigest(), 64)),
                nodeScalar(GkgOids.NODE_FAILOVER_COUNT, s -> new Counter32(s.failoverCount() & 0xFFFF_FFFFL)),
                nodeScalar(GkgOids.NODE_LAST_FAILOVER_TIME, s -> MibValues.dateAndTime(s.lastFailover())),
                nodeScalar(GkgOids.NODE_LAST_FAILOVER_CAUSE, s -> MibValues.cause(s.lastFailoverCause())),
                nodeScalar(GkgOids.NODE_TIME_IN_ROLE, s -> MibValues.unsigned(
                        s.roleSince() == null ? 0 : Duration.between(s.roleSince(), clock.instant()).toSeconds())),
                nodeScalar(GkgOids.NODE_CONFIGURED, s -> MibValues.truth(s.configured())),
                nodeScalar(GkgOids.NODE_PROBLEM, s -> MibValues.text(s.problem())));
    }

    private static NodeScalar nodeScalar(int column, Function<NodeStatus, Variable> value) {
        return new NodeScalar(GkgOids.nodeScalar(column), value);
    }

    /**
     * The scalar this OID names exactly, read alone: a GET of one scalar (gkgNodeRole.0, the object an NMS polls)
     * reads the one value rather than all of gkgNode.
     */
    private Optional<NodeScalar> nodeScalarAt(OID oid) {
        int column = oid.size() == GkgOids.NODE.size() + 2 ? oid.get(GkgOids.NODE.size()) : 0;
        if (column < GkgOids.NODE_NAME || column > GkgOids.NODE_PROBLEM) {
            return Optional.empty();
        }
        NodeScalar scalar = nodeScalars.get(column - 1);
        return scalar.instance().equals(oid) ? Optional.of(scalar) : Optional.empty();
    }

    private SortedMap<OID, Variable> nodeScalars() {
        NodeStatus status = guardian.status();
        SortedMap<OID, Variable> v = new TreeMap<>();
        for (NodeScalar scalar : nodeScalars) {
            // A copy: a walk hands the key to the request, which is not ours to share.
            v.put(new OID(scalar.instance()), scalar.value().apply(status));
        }
        return v;
    }

    private SortedMap<OID, Variable> vipTable() {
        List<VipStatus> vips = guardian.status().vips();
        SortedMap<OID, Variable> v = new TreeMap<>();
        for (int i = 0; i < vips.size() && i < 65535; i++) {
            VipStatus vip = vips.get(i);
            int index = i + 1;
            v.put(child(GkgOids.VIP_ENTRY, 2, index), MibValues.addressType(Optional.of(vip.vip().address())));
            v.put(child(GkgOids.VIP_ENTRY, 3, index), MibValues.address(Optional.of(vip.vip().address())));
            v.put(child(GkgOids.VIP_ENTRY, 4, index), MibValues.unsigned(vip.vip().prefixLength()));
            v.put(child(GkgOids.VIP_ENTRY, 5, index), MibValues.text(vip.vip().interfaceName()));
            v.put(child(GkgOids.VIP_ENTRY, 6, index), MibValues.truth(vip.bound()));
        }
        return v;
    }

    private SortedMap<OID, Variable> memberTable() {
        SortedMap<OID, Variable> v = new TreeMap<>();
        for (MemberStatus m : guardian.members()) {
            int index = m.index();
            if (index < 1 || index > 255) {
                continue;
            }
            Optional<MemberState> state = m.state();
            v.put(child(GkgOids.MEMBER_ENTRY, 2, index), MibValues.text(m.name()));
            v.put(child(GkgOids.MEMBER_ENTRY, 3, index), MibValues.addressType(Optional.ofNullable(m.internalAddress())));
            v.put(child(GkgOids.MEMBER_ENTRY, 4, index), MibValues.address(Optional.ofNullable(m.internalAddress())));
            v.put(child(GkgOids.MEMBER_ENTRY, 5, index), MibValues.role(m.role()));
            v.put(child(GkgOids.MEMBER_ENTRY, 6, index), MibValues.unsigned(state.map(MemberState::priority).orElse(0)));
            v.put(child(GkgOids.MEMBER_ENTRY, 7, index), MibValues.truth(state.map(MemberState::healthy).orElse(false)));
            v.put(child(GkgOids.MEMBER_ENTRY, 8, index), MibValues.gatekeeper(m.gatekeeper()));
            v.put(child(GkgOids.MEMBER_ENTRY, 9, index), MibValues.text(state.map(MemberState::configDigest).orElse(""), 64));
            v.put(child(GkgOids.MEMBER_ENTRY, 10, index), MibValues.dateAndTime(m.lastHeard()));
            v.put(child(GkgOids.MEMBER_ENTRY, 11, index), MibValues.truth(m.reachable()));
            v.put(child(GkgOids.MEMBER_ENTRY, 12, index), MibValues.unsigned(state.map(MemberState::epoch).orElse(0L)));
        }
        return v;
    }

    private SortedMap<OID, Variable> controlScalars() {
        SortedMap<OID, Variable> v = new TreeMap<>();
        synchronized (controlLock) {
            v.put(GkgOids.CONTROL_TARGET, MibValues.unsigned(controlTarget));
            v.put(GkgOids.CONTROL_ACTION, new Integer32(lastAction));
            v.put(GkgOids.CONTROL_RESULT, new Integer32(lastResult));
            v.put(GkgOids.CONTROL_RESULT_TEXT, MibValues.text(lastResultText));
        }
        return v;
    }

    private SortedMap<OID, Variable> historyTable() {
        List<RoleTransition> history = guardian.history();
        SortedMap<OID, Variable> v = new TreeMap<>();
        for (int i = 0; i < history.size() && i < 65535; i++) {
            RoleTransition t = history.get(i);
            int index = i + 1;
            v.put(child(GkgOids.HISTORY_ENTRY, 2, index), MibValues.dateAndTime(Optional.of(t.at())));
            v.put(child(GkgOids.HISTORY_ENTRY, 3, index), MibValues.unsigned(t.epoch()));
            v.put(child(GkgOids.HISTORY_ENTRY, 4, index), MibValues.role(t.from()));
            v.put(child(GkgOids.HISTORY_ENTRY, 5, index), MibValues.role(t.to()));
            v.put(child(GkgOids.HISTORY_ENTRY, 6, index), MibValues.cause(t.cause()));
            v.put(child(GkgOids.HISTORY_ENTRY, 7, index), MibValues.text(t.detail()));
        }
        return v;
    }

    private SortedMap<OID, Variable> alarmTable() {
        List<Alarm> alarms = guardian.activeAlarms();
        SortedMap<OID, Variable> v = new TreeMap<>();
        for (int i = 0; i < alarms.size() && i < 65535; i++) {
            Alarm a = alarms.get(i);
            int index = i + 1;
            v.put(child(GkgOids.ALARM_ENTRY, 2, index), MibValues.text(a.id()));
            v.put(child(GkgOids.ALARM_ENTRY, 3, index), new Integer32(a.severity().x733()));
            v.put(child(GkgOids.ALARM_ENTRY, 4, index), new Integer32(a.probableCause().ordinal() + 1));
            v.put(child(GkgOids.ALARM_ENTRY, 5, index), MibValues.dateAndTime(Optional.of(a.raised())));
            v.put(child(GkgOids.ALARM_ENTRY, 6, index), MibValues.text(a.text()));
        }
        return v;
    }

    /** gkgMirrorTable, which augments the member table: the same indexes. */
    private SortedMap<OID, Variable> mirrorTable() {
        SortedMap<OID, Variable> v = new TreeMap<>();
        MirrorControl m = mirror.get();
        if (m == null) {
            return v;
        }
        for (MirrorMemberStatus row : m.mirrorStatus()) {
            int index = row.index();
            if (index < 1 || index > 255) {
                continue;
            }
            v.put(child(GkgOids.MIRROR_ENTRY, 1, index), MibValues.text(row.digest(), 64));
            v.put(child(GkgOids.MIRROR_ENTRY, 2, index), MibValues.truth(row.master()));
            v.put(child(GkgOids.MIRROR_ENTRY, 3, index), MibValues.truth(row.matches()));
            v.put(child(GkgOids.MIRROR_ENTRY, 4, index), MibValues.dateAndTime(row.lastMatched()));
        }
        return v;
    }
}
