package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The obituary a launcher sends for a dead JVM (issue 17): sealed by the JVM under the cluster's datagram key, with no
 * line feed in any byte (bash's printf would split the datagram there), and written for the launcher as one line.
 */
class LauncherObituaryTest {

    @Test
    void everyRunGetsASealedObituaryWithoutALineFeedThatOpensToItsRun() throws Exception {
        DatagramLine.Sealer sealer = new DatagramLine.Sealer(
                DatagramLine.datagramKey(JGroupsMembership.deriveKey("an obituary's secret, 9Kd!", "gk-guardian")));
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 2_000; i++) {
            long run = random.nextLong();
            boolean held = i % 2 == 0;
            byte[] datagram = LauncherObituary.datagram(run, held, p -> Optional.of(sealer.seal(p))).orElseThrow();
            for (byte b : datagram) {
                assertFalse(b == '\n', "a line feed in the obituary of run " + run);
            }
            byte[] payload = sealer.open(datagram).orElseThrow();
            Wire.Message m = Wire.decode(payload, 0, payload.length);
            assertEquals(run, ((Wire.Obituary) m).incarnation());
            assertEquals(held, ((Wire.Obituary) m).heldVip());
        }
    }

    @Test
    void withoutADatagramLineThereIsNoObituary() {
        assertTrue(LauncherObituary.datagram(42, true, p -> Optional.empty()).isEmpty());
    }

    @Test
    void theLauncherGetsOneLineWithThePortTheDatagramAndThePeers(@TempDir Path dir) throws Exception {
        byte[] datagram = {2, 12, 0, 16, (byte) 0xff};
        byte[] other = {2, 12, 0, 16, 0};
        String line = LauncherObituary.line(7800, datagram, other,
                List.of(SimCluster.ip("198.51.100.1"), SimCluster.ip("198.51.100.2")));
        assertEquals("gkg-obituary 2 7800 020c0010ff 020c001000 198.51.100.1 198.51.100.2\n", line);
        Path file = dir.resolve("watchdog").resolve("obituary");
        LauncherObituary.write(file, line);
        assertEquals(line, Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(datagram, HexFormat.of().parseHex(line.split(" ")[3]));
        assertEquals(List.of("obituary"), Files.list(file.getParent()).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void theFileIsTheOneTheLauncherNames() {
        assertEquals(Optional.of(Path.of("/srv/n1/data/watchdog/obituary")),
                LauncherObituary.file(Map.of("GKG_OBITUARY", "/srv/n1/data/watchdog/obituary")));
        assertTrue(LauncherObituary.file(Map.of()).isEmpty());
    }
}
