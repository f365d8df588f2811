package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RtNetlinkTest {

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void anAddIsWhatIpAddrAddSends() throws Exception {
        byte[] m = RtNetlink.addAddress(7, 3, InetAddress.getByName("203.0.113.10"), 24, "eth1:gkg");
        ByteBuffer b = le(m);
        // header 16 + ifaddrmsg 8 + IFA_LOCAL 8 + IFA_ADDRESS 8 + IFA_LABEL (4 + "eth1:gkg\0" = 13 -> 16)
        assertEquals(56, m.length);
        assertEquals(56, b.getInt(0));
        assertEquals(RtNetlink.RTM_NEWADDR, b.getShort(4));
        assertEquals(0x1 | 0x4 | 0x200 | 0x400, b.getShort(6), "request, ack, exclusive, create");
        assertEquals(7, b.getInt(8));
        assertEquals(RtNetlink.AF_INET, m[16]);
        assertEquals(24, m[17]);
        assertEquals(0, m[19], "global scope");
        assertEquals(3, b.getInt(20), "interface index");
        assertEquals(8, b.getShort(24));
        assertEquals(RtNetlink.IFA_LOCAL, b.getShort(26));
        assertArrayEquals(new byte[] {(byte) 203, 0, 113, 10}, java.util.Arrays.copyOfRange(m, 28, 32));
        assertEquals(RtNetlink.IFA_ADDRESS, b.getShort(34));
        assertEquals(13, b.getShort(40));
        assertEquals(RtNetlink.IFA_LABEL, b.getShort(42));
        assertEquals("eth1:gkg", new String(m, 44, 8, StandardCharsets.US_ASCII));
        assertEquals(0, m[52]);
    }

    @Test
    void aDeleteOfAnIpv6AddressCarriesNoLabel() throws Exception {
        byte[] m = RtNetlink.deleteAddress(9, 4, InetAddress.getByName("2001:db8::10"), 64);
        ByteBuffer b = le(m);
        assertEquals(16 + 8 + 20 + 20, m.length);
        assertEquals(RtNetlink.RTM_DELADDR, b.getShort(4));
        assertEquals(0x1 | 0x4, b.getShort(6));
        assertEquals(RtNetlink.AF_INET6, m[16]);
        assertEquals(64, m[17]);
    }

    @Test
    void theAcknowledgementOfTheRequestIsFoundAndOthersAreNot() {
        byte[] buf = new byte[80];
        ByteBuffer b = le(buf);
        b.putInt(0, 36).putShort(4, (short) RtNetlink.NLMSG_ERROR).putInt(8, 5).putInt(16, -17);
        b.putInt(36, 36).putShort(40, (short) RtNetlink.NLMSG_ERROR).putInt(44, 6).putInt(52, 0);
        assertEquals(-17, RtNetlink.ackError(buf, 72, 5).getAsInt());
        assertEquals(0, RtNetlink.ackError(buf, 72, 6).getAsInt());
        assertFalse(RtNetlink.ackError(buf, 72, 8).isPresent());
        assertFalse(RtNetlink.ackError(buf, 20, 6).isPresent(), "a truncated buffer holds no answer");
    }

    @Test
    void aDumpYieldsTheAddressesWithLabelAndFlagsUntilDone() throws Exception {
        byte[] v4 = RtNetlink.addAddress(11, 3, InetAddress.getByName("203.0.113.10"), 24, "eth1:gkg");
        byte[] v6 = RtNetlink.addAddress(11, 3, InetAddress.getByName("2001:db8::10"), 64, "");
        v6[18] = (byte) RtNetlink.IFA_F_TENTATIVE;
        byte[] done = new byte[20];
        le(done).putInt(0, 20).putShort(4, (short) RtNetlink.NLMSG_DONE).putInt(8, 11);
        byte[] buf = new byte[v4.length + v6.length + done.length];
        System.arraycopy(v4, 0, buf, 0, v4.length);
        System.arraycopy(v6, 0, buf, v4.length, v6.length);
        System.arraycopy(done, 0, buf, v4.length + v6.length, done.length);
        // As the kernel answers: the same layout, typed RTM_NEWADDR.
        le(buf).putShort(4, (short) RtNetlink.RTM_NEWADDR).putShort(v4.length + 4, (short) RtNetlink.RTM_NEWADDR);
        RtNetlink.DumpPart part = RtNetlink.parseDump(buf, buf.length, 11);
        assertTrue(part.done());
        assertEquals(0, part.error());
        assertEquals(2, part.addresses().size());
        assertEquals(new RtNetlink.Address(3, InetAddress.getByName("203.0.113.10"), 24, "eth1:gkg", 0),
                part.addresses().get(0));
        assertEquals(RtNetlink.IFA_F_TENTATIVE, part.addresses().get(1).flags());
        assertEquals("", part.addresses().get(1).label());
        assertFalse(RtNetlink.parseDump(buf, v4.length, 11).done(), "the dump goes on in the next datagram");
    }
}
