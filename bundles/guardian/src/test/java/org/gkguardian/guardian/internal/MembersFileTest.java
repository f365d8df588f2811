package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembersFileTest {

    @TempDir
    Path dir;

    @Test
    void oneAddressPerLineInConfiguredOrderWithThisNodeMarkedAndReplacedWhole() throws Exception {
        Path file = dir.resolve("gkguardian/members");
        InetAddress a = InetAddress.getByName("198.51.100.13");
        InetAddress b = InetAddress.getByName("198.51.100.11");
        InetAddress c = InetAddress.getByName("2001:db8::12");
        MembersFile.write(file, List.of(a, b, c), b);
        assertEquals("198.51.100.13\n198.51.100.11 self\n2001:db8:0:0:0:0:0:12\n", Files.readString(file));
        MembersFile.write(file, List.of(b), b);
        assertEquals("198.51.100.11 self\n", Files.readString(file));
        try (var left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList());
        }
    }
}
