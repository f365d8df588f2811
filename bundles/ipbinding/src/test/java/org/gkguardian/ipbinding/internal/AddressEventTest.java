package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lines as iproute2 6.1's {@code ip -o monitor address} printed them on a namespace host. */
class AddressEventTest {

    private static AddressEvent parse(String line) {
        return AddressEvent.parse(line).orElseThrow();
    }

    @Test
    void readsAnAddedIpv4AddressWithItsLabel() throws Exception {
        AddressEvent e = parse("3: eth1    inet 203.0.113.10/24 scope global eth1:gkg\\       valid_lft forever preferred_lft forever");
        assertFalse(e.deleted());
        assertEquals("eth1", e.interfaceName());
        assertEquals(InetAddress.getByName("203.0.113.10"), e.entry().address());
        assertEquals(24, e.entry().prefixLength());
        assertEquals("eth1:gkg", e.entry().label());
    }

    @Test
    void readsADeletedIpv4AddressWithBroadcastAndSecondaryFlag() throws Exception {
        AddressEvent e = parse("Deleted 3: eth1    inet 203.0.113.10/24 brd 203.0.113.255 scope global secondary eth1\\"
                + "       valid_lft forever preferred_lft forever");
        assertTrue(e.deleted());
        assertEquals("eth1", e.entry().label());
        assertEquals(InetAddress.getByName("203.0.113.10"), e.entry().address());
    }

    @Test
    void readsIpv6DuplicateAddressDetectionStates() throws Exception {
        AddressEvent tentative = parse("3: eth1    inet6 2001:db8::10/64 scope global tentative \\       valid_lft forever preferred_lft forever");
        assertTrue(tentative.entry().tentative());
        assertFalse(tentative.entry().dadFailed());
        assertEquals("", tentative.entry().label());
        assertEquals(InetAddress.getByName("2001:db8::10"), tentative.entry().address());
        AddressEvent failed = parse("3: eth1    inet6 2001:db8::10/64 scope global tentative dadfailed \\       valid_lft forever preferred_lft forever");
        assertTrue(failed.entry().dadFailed());
        AddressEvent done = parse("3: eth1    inet6 2001:db8::10/64 scope global \\       valid_lft forever preferred_lft forever");
        assertFalse(done.entry().tentative());
    }

    @Test
    void readsAPointToPointAddressWithThePrefixOfItsPeer() throws Exception {
        AddressEvent e = parse("4: ppp0    inet 192.0.2.1 peer 192.0.2.2/32 scope global ppp0\\       valid_lft forever preferred_lft forever");
        assertEquals(32, e.entry().prefixLength());
        assertEquals("ppp0", e.entry().label());
    }

    @Test
    void ignoresLinesAboutOtherThingsAndRefusesMangledAddressLines() {
        assertEquals(Optional.empty(), AddressEvent.parse(""));
        assertEquals(Optional.empty(), AddressEvent.parse("3: eth1    link/ether 02:00:00:00:00:01"));
        assertEquals(Optional.empty(), AddressEvent.parse("Timestamp: Wed Dec  2 02:00:00 2026 123456 usec"));
        assertThrows(IllegalArgumentException.class, () -> AddressEvent.parse("3: eth1    inet 203.0.113.300/24 scope global eth1"));
        assertThrows(IllegalArgumentException.class, () -> AddressEvent.parse("3: eth1    inet 203.0.113.10/24 eth1"));
    }

    @Test
    void appliesAnAdditionAChangeAndADeletion() throws Exception {
        InterfaceAddresses before = new InterfaceAddresses("eth1", "02:00:00:00:00:01", List.of(
                new InterfaceAddresses.Entry(InetAddress.getByName("203.0.113.11"), 24, "eth1", false, false)));
        InterfaceAddresses added = parse("3: eth1    inet6 2001:db8::10/64 scope global tentative \\ x").applyTo(before);
        assertEquals(2, added.addresses().size());
        InterfaceAddresses settled = parse("3: eth1    inet6 2001:db8::10/64 scope global \\ x").applyTo(added);
        assertEquals(2, settled.addresses().size());
        assertFalse(settled.find(InetAddress.getByName("2001:db8::10")).orElseThrow().tentative());
        InterfaceAddresses deleted = parse("Deleted 3: eth1    inet6 2001:db8::10/64 scope global \\ x").applyTo(settled);
        assertEquals(before, deleted);
    }
}
