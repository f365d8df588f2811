package org.gkguardian.snmp.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.snmp4j.agent.mo.snmp.CoexistenceInfo;
import org.snmp4j.agent.mo.snmp.CoexistenceInfoProvider;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OctetString;

/**
 * Maps the one configured SNMPv2c community to the security name {@link #SECURITY_NAME}, so that VACM
 * grants it read access without the community itself ever being a security name (or visible anywhere).
 * Any other community is dropped.
 */
final class CommunityCoexistence implements CoexistenceInfoProvider {

    static final OctetString SECURITY_NAME = new OctetString("gkgV2cReader");

    private final byte[] community;
    private final OctetString contextEngineId;

    CommunityCoexistence(String community, OctetString contextEngineId) {
        this.community = community.getBytes(StandardCharsets.UTF_8);
        this.contextEngineId = contextEngineId;
    }

    @Override
    public CoexistenceInfo[] getCoexistenceInfo(OctetString offered) {
        if (community.length == 0 || !MessageDigest.isEqual(community, offered.getValue())) {
            return new CoexistenceInfo[0];
        }
        return new CoexistenceInfo[] {new CoexistenceInfo(SECURITY_NAME, contextEngineId, new OctetString())};
    }

    @Override
    public OctetString getCommunity(OctetString securityName, OctetString contextEngineID, OctetString contextName) {
        // Only used for proxy forwarding, which this agent does not do.
        return null;
    }

    @Override
    public boolean passesFilter(Address address, CoexistenceInfo coexistenceInfo) {
        return true;
    }
}
