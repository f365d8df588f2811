package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.gkguardian.api.VipAddress;
import org.junit.jupiter.api.Test;

class InterfaceAddressesTest {
    /** Captured from iproute2 6.1 in a test namespace. */
    static final String SHOW = "[{\"ifindex\":2,\"link_index\":4,\"ifname\":\"eth1\",\"flags\":[\"BROADCAST\","
            + "\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\",\"operstate\":\"UP\","
            + "\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"ether\",\"address\":\"96:41:c5:26:53:34\","
            + "\"broadcast\":\"ff:ff:ff:ff:ff:ff\",\"link_netnsid\":0,\"addr_info\":[{\"family\":\"inet\","
            + "\"local\":\"203.0.113.11\",\"prefixlen\":24,\"scope\":\"global\",\"label\":\"eth1\","
            + "\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},{\"family\":\"inet\","
            + "\"local\":\"203.0.113.10\",\"prefixlen\":24,\"scope\":\"global\",\"secondary\":true,"
            + "\"label\":\"eth1:gkg\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},"
            + "{\"family\":\"inet6\",\"local\":\"2001:db8::10\",\"prefixlen\":64,\"scope\":\"global\","
            + "\"dadfailed\":true,\"tentative\":true,\"valid_life_time\":4294967295,"
            + "\"preferred_life_time\":4294967295},{\"family\":\"inet6\",\"local\":\"fe80::9441:c5ff:fe26:5334\","
            + "\"prefixlen\":64,\"scope\":\"link\",\"tentative\":true,\"valid_life_time\":4294967295,"
            + "\"preferred_life_time\":4294967295}]}]\n";

    @Test
    void readsAddressesLabelsAndDadFlags() throws Exception {
        InterfaceAddresses eth1 = InterfaceAddresses.parse(SHOW, "eth1");
        assertEquals("96:41:c5:26:53:34", eth1.mac());
        assertEquals(4, eth1.addresses().size());
        InterfaceAddresses.Entry vip = eth1.find(InetAddress.getByName("203.0.113.10")).orElseThrow();
        assertEquals(24, vip.prefixLength());
        assertEquals("eth1:gkg", vip.label());
        InterfaceAddresses.Entry v6 = eth1.find(InetAddress.getByName("2001:db8::10")).orElseThrow();
        assertTrue(v6.tentative());
        assertTrue(v6.dadFailed());
        assertEquals("", v6.label());
    }

    @Test
    void holdsComparesPrefixLabelAndDadState() throws Exception {
        InterfaceAddresses eth1 = InterfaceAddresses.parse(SHOW, "eth1");
        InetAddress vip = InetAddress.getByName("203.0.113.10");
        assertTrue(eth1.holds(new VipAddress(vip, 24, "eth1"), "eth1:gkg"));
        assertFalse(eth1.holds(new VipAddress(vip, 32, "eth1"), "eth1:gkg"));
        assertFalse(eth1.holds(new VipAddress(InetAddress.getByName("203.0.113.11"), 24, "eth1"), "eth1:gkg"));
        assertFalse(eth1.holds(new VipAddress(InetAddress.getByName("2001:db8::10"), 64, "eth1"), ""));
    }

    @Test
    void anInterfaceWithoutAddressesHasNone() {
        InterfaceAddresses eth2 = InterfaceAddresses.parse(
                "[{\"ifindex\":3,\"ifname\":\"eth2\",\"flags\":[],\"addr_info\":[]}]", "eth2");
        assertTrue(eth2.addresses().isEmpty());
    }

    @Test
    void refusesOutputThatIsNotForTheInterfaceAskedFor() {
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddresses.parse(SHOW, "eth0"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddresses.parse("[]", "eth1"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddresses.parse("", "eth1"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddresses.parse(SHOW.substring(0, 200), "eth1"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddresses.parse(SHOW + "x", "eth1"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddresses.parse(
                "[{\"ifname\":\"eth1\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"example.com\","
                        + "\"prefixlen\":24}]}]", "eth1"));
    }

    @Test
    void jsonReaderHandlesEscapesNumbersAndLiterals() {
        assertEquals(java.util.List.of("a\"b\u00e9", 12L, -1.5e3, true, false),
                Json.parse(" [\"a\\\"b\\u00e9\", 12, -1.5e3, true, false] "));
        assertEquals(java.util.Collections.singletonMap("k", null), Json.parse("{\"k\":null}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"k\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,]"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"unterminated"));
    }
}
