package org.gkguardian.snmp.internal;

import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.PDU;
import org.snmp4j.smi.Address;

/**
 * Bounds the work and the answer one request can cost, as Net-SNMP's snmpd does, before the command processor
 * sees it: a GETBULK asks for at most {@link #MAX_BULK_VARBINDS} variable bindings in all (snmpd's
 * maxGetbulkResponses default; max-repetitions is lowered to fit, as RFC 3416 4.2.3 allows an agent to answer
 * fewer), and no response is larger than {@link #MAX_RESPONSE_PDU_BYTES} (one Ethernet frame, Net-SNMP's
 * SNMP_MAX_MSG_SIZE): a GETBULK is cut short to fit, anything else that does not fit is tooBig. One small
 * spoofed request can then neither keep the agent busy walking nor be amplified into a flood of fragments.
 */
final class RequestLimits implements CommandResponder {

    static final int MAX_BULK_VARBINDS = 100;
    static final int MAX_RESPONSE_PDU_BYTES = 1472;

    private final CommandResponder next;

    RequestLimits(CommandResponder next) {
        this.next = next;
    }

    @Override
    public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
        PDU pdu = event.getPDU();
        if (pdu != null && pdu.getType() == PDU.GETBULK) {
            pdu.setMaxRepetitions(maxRepetitions(pdu.size(), pdu.getNonRepeaters(), pdu.getMaxRepetitions()));
        }
        if (event.getMaxSizeResponsePDU() <= 0 || event.getMaxSizeResponsePDU() > MAX_RESPONSE_PDU_BYTES) {
            event.setMaxSizeResponsePDU(MAX_RESPONSE_PDU_BYTES);
        }
        next.processPdu(event);
    }

    /** The max-repetitions that keeps non-repeaters plus repeaters times repetitions within the bound. */
    static int maxRepetitions(int varbinds, int nonRepeaters, int asked) {
        int fixed = Math.max(0, Math.min(nonRepeaters, varbinds));
        int repeaters = varbinds - fixed;
        if (repeaters == 0 || asked <= 0) {
            return Math.max(0, asked);
        }
        int allowed = Math.max(0, MAX_BULK_VARBINDS - fixed) / repeaters;
        return Math.min(asked, allowed);
    }
}
