package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochStoreTest {

    @TempDir
    Path dir;

    @Test
    void startsAtZeroOnlyGrowsAndSurvivesARestart() throws Exception {
        Path file = dir.resolve("gkguardian/epoch");
        EpochStore store = new EpochStore(file);
        assertEquals(0, store.current());
        assertEquals(3, store.raiseTo(3));
        assertEquals(3, store.raiseTo(2));
        assertEquals(3, new EpochStore(file).current());
        assertEquals("3", Files.readString(file).trim());
        assertFalse(Files.exists(dir.resolve("gkguardian/epoch.tmp")));
    }

    @Test
    void aCorruptFileIsNotMistakenForZero() throws Exception {
        Path file = dir.resolve("epoch");
        Files.writeString(file, "banana");
        assertThrows(IllegalStateException.class, () -> new EpochStore(file));
    }
}
