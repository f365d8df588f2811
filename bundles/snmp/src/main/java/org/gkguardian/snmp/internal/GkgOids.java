package org.gkguardian.snmp.internal;

import org.snmp4j.smi.OID;

/** Object identifiers of GK-GUARDIAN-MIB (mibs/GK-GUARDIAN-MIB.txt); the enterprise 99999 is a placeholder. */
final class GkgOids {

    static final OID ROOT = new OID("1.3.6.1.4.1.99999");
    static final OID NOTIFICATIONS = child(ROOT, 0);
    static final OID OBJECTS = child(ROOT, 1);

    static final OID NODE = child(OBJECTS, 1);
    static final OID VIP_ENTRY = child(child(OBJECTS, 2), 1);
    static final OID MEMBER_ENTRY = child(child(OBJECTS, 3), 1);
    static final OID CONTROL = child(OBJECTS, 4);
    static final OID HISTORY_ENTRY = child(child(OBJECTS, 5), 1);
    static final OID ALARM_ENTRY = child(child(OBJECTS, 6), 1);
    static final OID NOTIFY_OBJECTS = child(OBJECTS, 7);
    static final OID MIRROR_ENTRY = child(child(child(OBJECTS, 8), 1), 1);

    static final int NODE_NAME = 1;
    static final int NODE_ROLE = 2;
    static final int NODE_ADDRESS_TYPE = 3;
    static final int NODE_ADDRESS = 4;
    static final int NODE_PRIORITY = 5;
    static final int NODE_EPOCH = 6;
    static final int NODE_MASTER_NAME = 7;
    static final int NODE_MASTER_ADDRESS_TYPE = 8;
    static final int NODE_MASTER_ADDRESS = 9;
    static final int NODE_QUORUM = 10;
    static final int NODE_GATEKEEPER = 11;
    static final int NODE_CONFIG_DIGEST = 12;
    static final int NODE_FAILOVER_COUNT = 13;
    static final int NODE_LAST_FAILOVER_TIME = 14;
    static final int NODE_LAST_FAILOVER_CAUSE = 15;
    static final int NODE_TIME_IN_ROLE = 16;
    static final int NODE_CONFIGURED = 17;
    static final int NODE_PROBLEM = 18;

    static final OID CONTROL_TARGET = instance(child(CONTROL, 1));
    static final OID CONTROL_ACTION = instance(child(CONTROL, 2));
    static final OID CONTROL_RESULT = instance(child(CONTROL, 3));
    static final OID CONTROL_RESULT_TEXT = instance(child(CONTROL, 4));

    static final OID NOTIFY_NODE = instance(child(NOTIFY_OBJECTS, 1));
    static final OID NOTIFY_EPOCH = instance(child(NOTIFY_OBJECTS, 2));
    static final OID NOTIFY_CAUSE = instance(child(NOTIFY_OBJECTS, 3));
    static final OID NOTIFY_OLD_MASTER = instance(child(NOTIFY_OBJECTS, 4));
    static final OID NOTIFY_NEW_MASTER = instance(child(NOTIFY_OBJECTS, 5));
    static final OID NOTIFY_MEMBER = instance(child(NOTIFY_OBJECTS, 6));
    static final OID NOTIFY_TEXT = instance(child(NOTIFY_OBJECTS, 7));
    static final OID NOTIFY_ALARM_ID = instance(child(NOTIFY_OBJECTS, 8));
    static final OID NOTIFY_ALARM_SEVERITY = instance(child(NOTIFY_OBJECTS, 9));

    private GkgOids() {
    }

    static OID child(OID parent, int... subIds) {
        OID oid = new OID(parent);
        for (int id : subIds) {
            oid.append(id);
        }
        return oid;
    }

    static OID instance(OID object) {
        return child(object, 0);
    }

    static OID nodeScalar(int id) {
        return child(NODE, id, 0);
    }

    /** The OID of a notification: its last sub-identifier is the event type's position from 1. */
    static OID notification(org.gkguardian.api.EventType type) {
        return child(NOTIFICATIONS, type.ordinal() + 1);
    }
}
