package org.gkguardian.snmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** snmpEngineBoots never goes backwards: not after a torn or corrupt file, not after moving out of the bundle cache. */
class EngineBootsTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("gkguardian/snmp-engine-boots");
    }

    @Test
    void startsAtOneAndGrowsKeepingTwoCopiesAndNoTemporaryFile() throws Exception {
        assertEquals(1, EngineBoots.next(file(), List.of()));
        assertEquals(2, EngineBoots.next(file(), List.of()));
        assertEquals("2\n", Files.readString(file()));
        assertEquals("2\n", Files.readString(EngineBoots.backupOf(file())));
        try (var files = Files.list(file().getParent())) {
            assertEquals(2, files.count(), "only the count and its backup");
        }
    }

    @Test
    void aTruncatedFileIsRecoveredFromTheBackupInsteadOfPinningTheCountAtOne() throws Exception {
        for (int i = 0; i < 5; i++) {
            EngineBoots.next(file(), List.of());
        }
        Files.writeString(file(), "");
        assertEquals(6, EngineBoots.next(file(), List.of()));
        Files.writeString(EngineBoots.backupOf(file()), "7\u0000garbage");
        assertEquals(7, EngineBoots.next(file(), List.of()));
    }

    @Test
    void whenNoCopyReadsTheAgentRefusesRatherThanStartingAtOne() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "");
        Files.writeString(EngineBoots.backupOf(file()), "-3");
        EngineBoots.UnknownBootsException e = assertThrows(EngineBoots.UnknownBootsException.class,
                () -> EngineBoots.next(file(), List.of()));
        assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
        assertEquals("", Files.readString(file()), "nothing is overwritten");

        Files.writeString(file(), "41");
        assertEquals(42, EngineBoots.next(file(), List.of()));
    }

    @Test
    void theCountFromTheOldPlaceInTheBundleCacheCarriesOn() throws Exception {
        Path legacy = dir.resolve("bundle-data/snmp-engine-boots");
        Files.createDirectories(legacy.getParent());
        Files.writeString(legacy, "17");
        assertEquals(18, EngineBoots.next(file(), List.of(legacy)));
        Files.delete(legacy);
        assertEquals(19, EngineBoots.next(file(), List.of(legacy)));
    }

    @Test
    void theHighestCopyWinsSoTheCountNeverGoesBackwards() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "9");
        Files.writeString(EngineBoots.backupOf(file()), "12");
        assertEquals(13, EngineBoots.next(file(), List.of()));
    }

    @Test
    void theMaximumStaysTheMaximum() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), Integer.toString(Integer.MAX_VALUE - 1));
        assertEquals(Integer.MAX_VALUE, EngineBoots.next(file(), List.of()));
        assertEquals(Integer.MAX_VALUE, EngineBoots.next(file(), List.of()));
    }

    @Test
    void aCountThatCannotBeStoredIsRefused() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "x");
        assertThrows(EngineBoots.UnknownBootsException.class,
                () -> EngineBoots.next(blocker.resolve("snmp-engine-boots"), List.of()));
    }
}
