package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityResetTest {

    private static String stat(int nice) {
        // pid (comm with a space and a parenthesis) state ppid ... field 19 is the nice value
        return "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 " + nice
                + " 30 0 12345 0 0 18446744073709551615\n";
    }

    @Test
    void aGuardianAtARaisedPriorityStartsItsCommandsBackAtZero() {
        assertEquals(List.of("/usr/bin/nice", "-n", "10", "--"), PriorityReset.prefix(stat(-10), true));
    }

    @Test
    void nothingToUndoAtANormalOrLoweredPriorityOrWithoutNice() {
        assertEquals(List.of(), PriorityReset.prefix(stat(0), true));
        assertEquals(List.of(), PriorityReset.prefix(stat(5), true));
        assertEquals(List.of(), PriorityReset.prefix(stat(-10), false));
    }
}
