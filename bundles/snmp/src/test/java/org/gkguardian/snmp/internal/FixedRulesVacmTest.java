package org.gkguardian.snmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.snmp4j.agent.DefaultMOServer;
import org.snmp4j.agent.MOServer;
import org.snmp4j.agent.mo.snmp.StorageType;
import org.snmp4j.agent.mo.snmp.VacmMIB;
import org.snmp4j.agent.security.MutableVACM;
import org.snmp4j.agent.security.VACM;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

/** The remembered views are the rules' views, for every requester, however often and however many there are. */
class FixedRulesVacmTest {
    private static final OctetString READERS = new OctetString("readers");
    private static final OctetString ALL = new OctetString("all");
    private static final OctetString NO_CONTEXT = new OctetString();
    private static final int V2C = SecurityModel.SECURITY_MODEL_SNMPv2c;
    private static final int USM = SecurityModel.SECURITY_MODEL_USM;

    private static VacmMIB rules() {
        VacmMIB vacm = new VacmMIB(new MOServer[] {new DefaultMOServer()});
        int storage = StorageType.volatile_;
        vacm.addViewTreeFamily(ALL, new OID("1.3.6.1"), new OctetString(), VacmMIB.vacmViewIncluded, storage);
        vacm.addGroup(V2C, new OctetString("reader"), READERS, storage);
        vacm.addGroup(USM, new OctetString("alice"), READERS, storage);
        vacm.addAccess(READERS, new OctetString(), V2C, SecurityLevel.NOAUTH_NOPRIV, MutableVACM.VACM_MATCH_EXACT, ALL,
                new OctetString(), ALL, storage);
        vacm.addAccess(READERS, new OctetString(), USM, SecurityLevel.AUTH_PRIV, MutableVACM.VACM_MATCH_EXACT, ALL,
                new OctetString(), ALL, storage);
        return vacm;
    }

    @Test
    void eachRequesterGetsTheRulesViewEveryTime() {
        VacmMIB rules = rules();
        FixedRulesVacm vacm = new FixedRulesVacm(rules);
        Object[][] requesters = {
                {"reader", V2C, SecurityLevel.NOAUTH_NOPRIV},
                {"alice", USM, SecurityLevel.AUTH_PRIV},
                {"alice", USM, SecurityLevel.AUTH_NOPRIV},
                {"reader", USM, SecurityLevel.AUTH_PRIV},
                {"mallory", V2C, SecurityLevel.NOAUTH_NOPRIV}};
        for (int round = 0; round < 3; round++) {
            for (Object[] r : requesters) {
                for (int viewType : new int[] {VACM.VIEW_READ, VACM.VIEW_WRITE, VACM.VIEW_NOTIFY}) {
                    OctetString name = new OctetString((String) r[0]);
                    assertEquals(rules.getViewName(NO_CONTEXT, name, (int) r[1], (int) r[2], viewType),
                            vacm.getViewName(NO_CONTEXT, name, (int) r[1], (int) r[2], viewType),
                            r[0] + " " + r[1] + " " + r[2] + " view type " + viewType + ", round " + round);
                }
            }
        }
        assertNull(vacm.getViewName(NO_CONTEXT, new OctetString("alice"), USM, SecurityLevel.AUTH_NOPRIV,
                VACM.VIEW_READ), "authNoPriv is below what the rules ask of an SNMPv3 reader");
    }

    @Test
    void pastTheBoundTheRulesStillDecide() {
        FixedRulesVacm vacm = new FixedRulesVacm(rules());
        for (int i = 0; i < FixedRulesVacm.MAX_REMEMBERED + 10; i++) {
            assertNull(vacm.getViewName(NO_CONTEXT, new OctetString("stranger" + i), V2C, SecurityLevel.NOAUTH_NOPRIV,
                    VACM.VIEW_READ));
        }
        assertEquals(ALL, vacm.getViewName(NO_CONTEXT, new OctetString("reader"), V2C, SecurityLevel.NOAUTH_NOPRIV,
                VACM.VIEW_READ));
        assertEquals(VACM.VACM_OK, vacm.isAccessAllowed(ALL, new OID("1.3.6.1.2.1.1.5.0")));
        assertEquals(VACM.VACM_NOT_IN_VIEW, vacm.isAccessAllowed(ALL, new OID("1.2.3")));
    }
}
