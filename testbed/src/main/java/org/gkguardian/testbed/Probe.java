package org.gkguardian.testbed;

/**
 * One answer the prober got from the VIP: when, over which protocol, to which request, and who
 * answered (a MAC address for ARP, the Server header for SIP).
 *
 * @param atMicros  wall-clock time of the answer, microseconds since the epoch
 * @param kind      {@code arp} or {@code sip}
 * @param sequence  the request it answers (the same sequence answered twice means two owners)
 * @param responder who answered
 */
public record Probe(long atMicros, String kind, long sequence, String responder) {

    static Probe parse(String csvLine) {
        String[] fields = csvLine.split(",", 4);
        if (fields.length != 4) {
            throw new IllegalArgumentException("not a probe line: " + csvLine);
        }
        return new Probe(Long.parseLong(fields[0]), fields[1], Long.parseLong(fields[2]), fields[3]);
    }

    String toCsv() {
        return atMicros + "," + kind + "," + sequence + "," + responder;
    }
}
