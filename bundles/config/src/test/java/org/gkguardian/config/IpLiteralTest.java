package org.gkguardian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpLiteralTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 0.0.0.0",
            "127.0.0.1, 127.0.0.1",
            "198.51.100.10, 198.51.100.10",
            "255.255.255.255, 255.255.255.255",
            "10.0.0.100, 10.0.0.100" })
    void dottedQuadsAreIpv4(String text, String expected) throws Exception {
        InetAddress a = IpLiteral.parse(text);
        assertInstanceOf(Inet4Address.class, a);
        assertEquals(InetAddress.getByName(expected), a);
    }

    @ParameterizedTest
    @CsvSource({
            "::, 0:0:0:0:0:0:0:0",
            "::1, 0:0:0:0:0:0:0:1",
            "2001:db8::10, 2001:db8:0:0:0:0:0:10",
            "2001:DB8:0:0:0:0:0:10, 2001:db8:0:0:0:0:0:10",
            "2001:0db8::0010, 2001:db8:0:0:0:0:0:10",
            "fe80::, fe80:0:0:0:0:0:0:0",
            "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
            "64:ff9b::198.51.100.1, 64:ff9b:0:0:0:0:c633:6401",
            "1:2:3:4:5:6:198.51.100.1, 1:2:3:4:5:6:c633:6401" })
    void rfc4291FormsAreIpv6(String text, String expected) {
        InetAddress a = IpLiteral.parse(text);
        assertInstanceOf(Inet6Address.class, a);
        assertEquals(expected, a.getHostAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = { "010.0.0.1", "10.0.0.01", "00.1.2.3", "198.51.100.300", "10.1", "10.0.0", "167772161",
            "10.0.0.1.", ".10.0.0.1", "10..0.1", "0x0a.0.0.1", "1e1.0.0.1", "+1.2.3.4", "-1.2.3.4", "١.2.3.4",
            "localhost", "gk1.example", "", " 10.0.0.1", "10.0.0.1 ",
            "2001:db8::1::2", "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1", "2001:db8::g",
            ":1::", "1::2:", "1:2:3:4:5:6:7::8", "::010.0.0.1", "::ffff:198.51.100.1", "::ffff:c633:6401",
            "fe80::1%eth0", "fe80::1%2", "[::1]", "2001:db8::1.2.3", "1.2.3.4::" })
    void everythingElseIsRefusedWithTheTextQuoted(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse(text));
        assertTrue(e.getMessage().startsWith("'" + text + "' is not an IP address: "), e.getMessage());
    }

    @Test
    void aLeadingZeroIsRefusedAsAmbiguousNotReadAsOctalOrDecimal() {
        assertEquals("'010.0.0.1' is not an IP address: '010' has a leading zero (octal to some programs, decimal "
                + "to others)", assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse("010.0.0.1"))
                        .getMessage());
    }

    @Test
    void aMappedAddressNamesTheIpv4AddressToWrite() {
        assertEquals("'::ffff:198.51.100.1' is not an IP address: IPv4-mapped IPv6 addresses are not accepted; write "
                + "the IPv4 address 198.51.100.1", assertThrows(IllegalArgumentException.class,
                        () -> IpLiteral.parse("::ffff:198.51.100.1")).getMessage());
    }

    @Test
    void endpointsTakeIpv4WithAPortAndIpv6InBrackets() throws Exception {
        assertEquals(new IpLiteral.Endpoint(InetAddress.getByName("127.0.0.1"), 5060),
                IpLiteral.parseEndpoint("127.0.0.1:5060"));
        assertEquals(new IpLiteral.Endpoint(InetAddress.getByName("::1"), 5060), IpLiteral.parseEndpoint("[::1]:5060"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:05060",
            "127.0.0.1:+5060", "::1:5060", "[::1]5060", "[::1]:", "[127.0.0.1]:5060", "[::1:5060", "010.0.0.1:5060",
            "host:5060", "" })
    void badEndpointsAreRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parseEndpoint(text));
        assertTrue(e.getMessage().contains("'"), e.getMessage());
    }
}
