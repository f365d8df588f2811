package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentLineTest {

    @Test
    void splitsOnBlanksAndKeepsQuotedArgumentsTogether() {
        assertEquals(List.of("/usr/sbin/kamailio", "-f", "/etc/kamailio/my file.cfg", "-A", "X=\"y\"", ""),
                ArgumentLine.split("  /usr/sbin/kamailio -f \"/etc/kamailio/my file.cfg\"\t-A \"X=\\\"y\\\"\" \"\" "));
    }

    @Test
    void shellSyntaxIsJustText() {
        assertEquals(List.of("/bin/echo", "a;", "rm", "-rf", "$HOME", "|", "x"),
                ArgumentLine.split("/bin/echo a; rm -rf $HOME | x"));
    }

    @Test
    void anArrayIsTakenAsItIs() {
        assertEquals(List.of("/bin/echo", "two words"), ArgumentLine.parse(new String[] { "/bin/echo", "two words" }));
        assertEquals(List.of(), ArgumentLine.parse(new String[0]));
        assertEquals(List.of(), ArgumentLine.parse(new String[] { "   " }));
    }

    @Test
    void anUnbalancedQuoteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ArgumentLine.split("/bin/echo \"open"));
    }
}
