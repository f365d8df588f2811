package org.gkguardian.snmp.internal;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.snmp4j.agent.security.VACM;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

/**
 * The agent's access rules (a {@link VACM} built once per engine from the configuration and never changed after:
 * its tables are not served over SNMP), with the view chosen for each kind of requester remembered. snmp4j's VacmMIB
 * looks the view up in its group and access tables on every request, building index OIDs each time; in a running
 * node that lookup was a sixth of the request thread's work. A requester is an authenticated security name (a
 * configured SNMPv3 user, or the community's one name), so there are few kinds; past {@link #MAX_REMEMBERED} the
 * rules are asked every time. Whether an object is in a view is always asked of the rules.
 */
final class FixedRulesVacm implements VACM {

    static final int MAX_REMEMBERED = 256;

    private final VACM rules;
    private final ConcurrentMap<Requester, Optional<OctetString>> views = new ConcurrentHashMap<>();

    /** @param rules complete: they must not change once handed in */
    FixedRulesVacm(VACM rules) {
        this.rules = rules;
    }

    private record Requester(OctetString context, OctetString securityName, int securityModel, int securityLevel,
            int viewType) {
    }

    @Override
    public OctetString getViewName(OctetString context, OctetString securityName, int securityModel,
            int securityLevel, int viewType) {
        Requester requester = new Requester(context, securityName, securityModel, securityLevel, viewType);
        Optional<OctetString> known = views.get(requester);
        if (known != null) {
            return known.map(OctetString::new).orElse(null);
        }
        OctetString view = rules.getViewName(context, securityName, securityModel, securityLevel, viewType);
        if (views.size() < MAX_REMEMBERED) {
            // Copies: the request's octet strings are its own and may be reused.
            views.putIfAbsent(new Requester(copy(context), copy(securityName), securityModel, securityLevel, viewType),
                    Optional.ofNullable(view).map(OctetString::new));
        }
        return view;
    }

    private static OctetString copy(OctetString s) {
        return s == null ? null : new OctetString(s);
    }

    @Override
    public int isAccessAllowed(OctetString viewName, OID oid) {
        return rules.isAccessAllowed(viewName, oid);
    }

    @Override
    public int isAccessAllowed(OctetString context, OctetString securityName, int securityModel, int securityLevel,
            int viewType, OID oid) {
        return rules.isAccessAllowed(context, securityName, securityModel, securityLevel, viewType, oid);
    }

    @Override
    public boolean hasContext(OctetString context) {
        return rules.hasContext(context);
    }
}
