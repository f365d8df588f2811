package org.gkguardian.snmp.internal;

import java.util.ArrayList;
import java.util.List;

import org.gkguardian.api.GuardianEvent;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/** The notification OID and the varbinds (after sysUpTime.0 and snmpTrapOID.0) GK-GUARDIAN-MIB defines for an event. */
final class NotificationVarbinds {

    private NotificationVarbinds() {
    }

    static OID trapOid(GuardianEvent event) {
        return GkgOids.notification(event.type());
    }

    static List<VariableBinding> of(GuardianEvent event) {
        List<VariableBinding> vbs = new ArrayList<>();
        vbs.add(new VariableBinding(GkgOids.NOTIFY_NODE, MibValues.text(event.node())));
        vbs.add(new VariableBinding(GkgOids.NOTIFY_EPOCH, MibValues.unsigned(event.epoch())));
        vbs.add(new VariableBinding(GkgOids.NOTIFY_CAUSE, MibValues.cause(event.cause())));
        switch (event.type()) {
            case MASTER_CHANGED -> {
                vbs.add(new VariableBinding(GkgOids.NOTIFY_OLD_MASTER, MibValues.text(event.detail(GuardianEvent.OLD_MASTER))));
                vbs.add(new VariableBinding(GkgOids.NOTIFY_NEW_MASTER, MibValues.text(event.detail(GuardianEvent.NEW_MASTER))));
            }
            case MEMBER_DOWN, MEMBER_UP, SPLIT_BRAIN_DETECTED, SPLIT_BRAIN_HEALED, CONFIG_MISMATCH, SWITCHOVER_FAILED,
                    CONFIG_MISMATCH_CLEARED, SWITCHOVER_FAILED_CLEARED ->
                vbs.add(new VariableBinding(GkgOids.NOTIFY_MEMBER, MibValues.text(event.detail(GuardianEvent.MEMBER))));
            default -> {
                // node, epoch, cause (alarm) and text only
            }
        }
        if (event.type().clearedBy().isPresent() || event.type().clears()) {
            vbs.add(new VariableBinding(GkgOids.NOTIFY_ALARM_ID, MibValues.text(event.detail(GuardianEvent.ALARM_ID))));
            vbs.add(new VariableBinding(GkgOids.NOTIFY_ALARM_SEVERITY, MibValues.severity(event)));
        }
        vbs.add(new VariableBinding(GkgOids.NOTIFY_TEXT, MibValues.text(event.detail(GuardianEvent.TEXT))));
        return vbs;
    }
}
