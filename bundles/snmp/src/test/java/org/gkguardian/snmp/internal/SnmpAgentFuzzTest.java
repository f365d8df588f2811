package org.gkguardian.snmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.PDU;
import org.snmp4j.asn1.BEROutputStream;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.VariableBinding;

/**
 * Thousands of malformed datagrams at the agent: random bytes, truncated and bit-flipped valid
 * requests, wrong versions and PDU types. Afterwards a GET still answers, from the real snmpget.
 */
class SnmpAgentFuzzTest {

    private static final int AGENT_PORT = 16120;
    private static final int PACKETS = 6000;

    @TempDir
    Path dir;

    @Test
    void agentSurvivesMalformedPacketsAndStillAnswers() throws Exception {
        FakeGuardian guardian = new FakeGuardian();
        SnmpAgentComponent agent = new SnmpAgentComponent(guardian, dir.resolve("boots"), Clock.systemUTC(),
                TestConfig.listening(AGENT_PORT));
        try {
            Random random = new Random(20261125L);
            List<byte[]> seeds = validRequests();
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            try (DatagramSocket socket = new DatagramSocket(0, loopback)) {
                // The seeds are valid: unmodified, the first one is answered.
                byte[] seed = seeds.get(0);
                socket.setSoTimeout(5000);
                socket.send(new DatagramPacket(seed, seed.length, loopback, AGENT_PORT));
                DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
                socket.receive(answer);
                assertTrue(answer.getLength() > 0);
                for (int i = 0; i < PACKETS; i++) {
                    byte[] packet = mutate(seeds.get(random.nextInt(seeds.size())), random, i % 5);
                    socket.send(new DatagramPacket(packet, packet.length, loopback, AGENT_PORT));
                    if (i % 20 == 0) {
                        // Let the agent drain its socket buffer; this tests robustness, not load.
                        Thread.sleep(2);
                    }
                }
            }
            NetSnmp.Result r = NetSnmp.run("snmpget", NetSnmp.V2C, "udp:127.0.0.1:" + AGENT_PORT,
                    "GK-GUARDIAN-MIB::gkgNodeRole.0");
            assertEquals(0, r.exitCode(), r.out());
            assertTrue(r.out().contains("gkgNodeRole.0 = INTEGER: master(3)"), r.out());
            NetSnmp.Result v3 = NetSnmp.run("snmpget", NetSnmp.V3_WRITER, "udp:127.0.0.1:" + AGENT_PORT,
                    "GK-GUARDIAN-MIB::gkgNodeEpoch.0");
            assertEquals(0, v3.exitCode(), v3.out());
            // The agent really parsed (and refused) the garbage rather than never seeing it.
            NetSnmp.Result counters = NetSnmp.run("snmpget", NetSnmp.V2C, "-On", "-Oqv", "udp:127.0.0.1:" + AGENT_PORT,
                    "1.3.6.1.2.1.11.1.0", "1.3.6.1.2.1.11.6.0");
            List<Long> values = counters.out().lines().map(String::trim).map(Long::parseLong).toList();
            // (snmp4j drops datagrams that do not start like a message before counting them.)
            assertTrue(values.get(0) + values.get(1) > PACKETS / 3, "snmpInPkts, snmpInASNParseErrs " + values);
            assertTrue(values.get(1) > PACKETS / 50, "snmpInASNParseErrs " + values);
        } finally {
            agent.deactivate();
        }
    }

    private static byte[] mutate(byte[] seed, Random random, int strategy) {
        switch (strategy) {
            case 0 -> {
                byte[] noise = new byte[1 + random.nextInt(1400)];
                random.nextBytes(noise);
                return noise;
            }
            case 1 -> {
                byte[] truncated = new byte[Math.max(1, random.nextInt(seed.length))];
                System.arraycopy(seed, 0, truncated, 0, truncated.length);
                return truncated;
            }
            case 2 -> {
                byte[] flipped = seed.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    int bit = random.nextInt(flipped.length * 8);
                    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return flipped;
            }
            case 3 -> {
                // Lengths lie: a valid request whose BER length octets are replaced by random ones.
                byte[] lying = seed.clone();
                lying[1] = (byte) random.nextInt(256);
                if (lying.length > 4) {
                    lying[4] = (byte) random.nextInt(256);
                }
                return lying;
            }
            default -> {
                // Wrong or unknown version numbers and PDU types in an otherwise valid request.
                byte[] odd = seed.clone();
                int versionAt = 4;
                odd[versionAt] = (byte) (random.nextBoolean() ? random.nextInt(256) : 2 + random.nextInt(3));
                for (int i = 5; i < odd.length; i++) {
                    if ((odd[i] & 0xE0) == 0xA0 && random.nextBoolean()) {
                        odd[i] = (byte) (0xA0 | random.nextInt(32));
                        break;
                    }
                }
                return odd;
            }
        }
    }

    /** Valid v2c GET, GETNEXT, GETBULK and SET messages, encoded as a manager would send them. */
    private static List<byte[]> validRequests() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        int[] types = {PDU.GET, PDU.GETNEXT, PDU.GETBULK, PDU.SET};
        for (int type : types) {
            PDU pdu = new PDU();
            pdu.setType(type);
            pdu.setRequestID(new org.snmp4j.smi.Integer32(4711 + type));
            pdu.add(new VariableBinding(new OID("1.3.6.1.4.1.99999.1.1.2.0")));
            pdu.add(new VariableBinding(new OID("1.3.6.1.4.1.99999.1.3.1.2")));
            seeds.add(encodeV2c(pdu, "s3cret-ro"));
        }
        return seeds;
    }

    private static byte[] encodeV2c(PDU pdu, String community) throws Exception {
        // version, community, PDU in a SEQUENCE: the v2c message of RFC 1901.
        org.snmp4j.smi.Integer32 version = new org.snmp4j.smi.Integer32(SnmpConstants.version2c);
        OctetString communityString = new OctetString(community);
        int length = version.getBERLength() + communityString.getBERLength() + pdu.getBERLength();
        BEROutputStream out = new BEROutputStream(java.nio.ByteBuffer.allocate(length + 8));
        org.snmp4j.asn1.BER.encodeHeader(out, org.snmp4j.asn1.BER.SEQUENCE, length);
        version.encodeBER(out);
        communityString.encodeBER(out);
        pdu.encodeBER(out);
        byte[] bytes = new byte[out.getBuffer().position()];
        out.getBuffer().flip();
        out.getBuffer().get(bytes);
        assertNotNull(bytes);
        return bytes;
    }
}
