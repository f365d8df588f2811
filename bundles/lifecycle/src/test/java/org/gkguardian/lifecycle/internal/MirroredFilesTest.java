package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gkguardian.api.ConfigMirror.MirrorException;
import org.gkguardian.api.ConfigSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirroredFilesTest {

    @TempDir
    Path root;
    private Path master;
    private Path backup;

    @BeforeEach
    void twoNodes() throws Exception {
        master = Files.createDirectories(root.resolve("master/etc/kamailio"));
        backup = Files.createDirectories(root.resolve("backup/etc/kamailio"));
    }

    @Test
    void nothingDeclaredHasAnEmptyDigest() throws Exception {
        assertEquals("", new MirroredFiles(List.of(), List.of(master)).digest());
    }

    @Test
    void theDigestFollowsContentAndPathsAndIgnoresKeptPreviousVersions() throws Exception {
        write(master.resolve("kamailio.cfg"), "listen=udp:1");
        write(master.resolve("db/subscriber"), "alice");
        MirroredFiles files = new MirroredFiles(List.of(master.resolve("kamailio.cfg"), master.resolve("db")), List.of(master));
        String first = files.digest();
        assertEquals(64, first.length());
        write(master.resolve("db/subscriber.prev"), "old");
        assertEquals(first, files.digest());
        write(master.resolve("db/subscriber"), "alice bob");
        assertNotEquals(first, files.digest());
    }

    @Test
    void aSnapshotAppliedOnABackupGivesTheSameFilesAndDigestAndKeepsThePreviousVersion() throws Exception {
        write(master.resolve("kamailio.cfg"), "new config");
        write(master.resolve("db/subscriber"), "alice");
        write(backup.resolve("kamailio.cfg"), "old config");
        write(backup.resolve("db/gone"), "stale");
        Path dir = master;
        MirroredFiles onMaster = new MirroredFiles(List.of(dir.resolve("kamailio.cfg"), dir.resolve("db")), List.of(dir));
        ConfigSnapshot snapshot = onMaster.snapshot();
        assertEquals(onMaster.digest(), snapshot.digest());

        MirroredFiles onBackup = backupFiles();
        assertTrue(onBackup.apply(relocate(snapshot)));
        assertEquals("new config", read(backup.resolve("kamailio.cfg")));
        assertEquals("old config", read(backup.resolve("kamailio.cfg.prev")));
        assertEquals("alice", read(backup.resolve("db/subscriber")));
        assertFalse(Files.exists(backup.resolve("db/gone")));
        assertEquals("stale", read(backup.resolve("db/gone.prev")));
        assertEquals(relocate(snapshot).digest(), onBackup.digest());
        try (var left = Files.list(backup)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".gkg-")));
        }
        assertFalse(onBackup.apply(relocate(snapshot)), "applying the same snapshot again changes nothing");
    }

    @Test
    void aCorruptOrIncompleteSnapshotNeverReplacesAGoodFile() throws Exception {
        write(backup.resolve("kamailio.cfg"), "good");
        write(backup.resolve("db/subscriber"), "good too");
        String before = backupFiles().digest();
        byte[] content = "new".getBytes(StandardCharsets.UTF_8);
        String sha = MirroredFiles.sha256(content);
        ConfigSnapshot.File cfg = new ConfigSnapshot.File(backup.resolve("kamailio.cfg").toString(), content, sha);
        ConfigSnapshot.File truncated = new ConfigSnapshot.File(backup.resolve("db/subscriber").toString(),
                "ne".getBytes(StandardCharsets.UTF_8), MirroredFiles.sha256("new".getBytes(StandardCharsets.UTF_8)));
        ConfigSnapshot corrupt = new ConfigSnapshot("whatever", List.of(cfg, truncated));
        MirrorException e = assertThrows(MirrorException.class, () -> backupFiles().apply(corrupt));
        assertTrue(e.getMessage().contains("corrupt or incomplete"), e.getMessage());

        // A file missing from the transfer: the digest over the files does not match the announced one.
        java.util.TreeMap<String, String> both = new java.util.TreeMap<>();
        both.put(cfg.path(), sha);
        both.put(backup.resolve("db/subscriber").toString(), sha);
        ConfigSnapshot partial = new ConfigSnapshot(MirroredFiles.combine(both), List.of(cfg));
        e = assertThrows(MirrorException.class, () -> backupFiles().apply(partial));
        assertTrue(e.getMessage().contains("incomplete transfer"), e.getMessage());

        assertEquals("good", read(backup.resolve("kamailio.cfg")));
        assertEquals(before, backupFiles().digest());
        assertFalse(Files.exists(backup.resolve("kamailio.cfg.prev")));
    }

    @Test
    void aSnapshotPathOutsideTheDeclaredFilesIsRefused() throws Exception {
        Path outside = root.resolve("etc/passwd");
        byte[] content = "root::0:0".getBytes(StandardCharsets.UTF_8);
        ConfigSnapshot.File evil = new ConfigSnapshot.File(outside.toString(), content, MirroredFiles.sha256(content));
        java.util.TreeMap<String, String> d = new java.util.TreeMap<>();
        d.put(evil.path(), evil.sha256());
        MirrorException e = assertThrows(MirrorException.class,
                () -> backupFiles().apply(new ConfigSnapshot(MirroredFiles.combine(d), List.of(evil))));
        assertTrue(e.getMessage().startsWith("mirror.allowed.dirs: snapshot path " + outside + " is outside"), e.getMessage());
        assertFalse(Files.exists(outside));
    }

    @Test
    void aDeclaredPathThatResolvesOutsideTheAllowedDirectoriesIsRefused() throws Exception {
        Path secret = Files.writeString(root.resolve("secret"), "x");
        Files.createSymbolicLink(backup.resolve("kamailio.cfg"), secret);
        MirroredFiles files = new MirroredFiles(List.of(backup.resolve("kamailio.cfg")), List.of(backup));
        java.io.IOException e = assertThrows(java.io.IOException.class, files::digest);
        assertTrue(e.getMessage().startsWith("mirror.paths: " + backup.resolve("kamailio.cfg") + " resolves to"),
                e.getMessage());
    }

    @Test
    void aSnapshotLargerThanTheLimitIsRefusedWhetherSentOrReceived() throws Exception {
        write(master.resolve("kamailio.cfg"), "x".repeat(2000));
        write(backup.resolve("kamailio.cfg"), "good");
        MirroredFiles onMaster = new MirroredFiles(List.of(master.resolve("kamailio.cfg")), List.of(master), 1024);
        java.io.IOException sent = assertThrows(java.io.IOException.class, onMaster::snapshot);
        assertEquals("mirror.max.bytes: the declared files hold more than 1024 bytes; nothing sent", sent.getMessage());

        ConfigSnapshot big = relocate(new MirroredFiles(List.of(master.resolve("kamailio.cfg")), List.of(master)).snapshot());
        MirroredFiles onBackup = new MirroredFiles(List.of(backup.resolve("kamailio.cfg")), List.of(backup), 1024);
        MirrorException e = assertThrows(MirrorException.class, () -> onBackup.apply(big));
        assertEquals("mirror.max.bytes: the snapshot holds 2000 bytes, more than 1024; nothing written", e.getMessage());
        assertEquals("good", read(backup.resolve("kamailio.cfg")));
    }

    @Test
    void aSnapshotFileThatIsASymbolicLinkLeadingOutsideIsRefused() throws Exception {
        Path secret = Files.writeString(root.resolve("secret"), "keep");
        Files.createDirectories(backup.resolve("db"));
        Files.createSymbolicLink(backup.resolve("db/subscriber"), secret);
        ConfigSnapshot s = single(backup.resolve("db/subscriber"), "overwritten");
        MirrorException e = assertThrows(MirrorException.class, () -> backupFiles().apply(s));
        assertEquals("mirror.allowed.dirs: snapshot path " + backup.resolve("db/subscriber") + " is a symbolic link to "
                + secret + ", outside [" + backup + "]; nothing written", e.getMessage());
        assertEquals("keep", read(secret));
        assertTrue(Files.isSymbolicLink(backup.resolve("db/subscriber")));
    }

    @Test
    void aSnapshotFileUnderADirectoryLinkLeadingOutsideIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Files.createDirectories(backup.resolve("db"));
        Files.createSymbolicLink(backup.resolve("db/users"), elsewhere);
        ConfigSnapshot s = single(backup.resolve("db/users/subscriber"), "planted");
        MirrorException e = assertThrows(MirrorException.class, () -> backupFiles().apply(s));
        assertEquals("mirror.allowed.dirs: snapshot path " + backup.resolve("db/users/subscriber") + " lies under "
                + backup.resolve("db/users") + ", which resolves to " + elsewhere.toRealPath() + ", outside [" + backup
                + "]; nothing written", e.getMessage());
        assertFalse(Files.exists(elsewhere.resolve("subscriber")));
    }

    @Test
    void theFingerprintChangesWithAnEditAndNotWithoutOne() throws Exception {
        write(backup.resolve("kamailio.cfg"), "one");
        MirroredFiles files = backupFiles();
        String before = files.fingerprint();
        assertEquals(before, files.fingerprint());
        Path replacement = backup.resolve("kamailio.cfg.new");
        Files.writeString(replacement, "two");
        Files.move(replacement, backup.resolve("kamailio.cfg"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNotEquals(before, files.fingerprint(), "an editor's write-and-rename gives a new file");
    }

    /** A snapshot of one file with the right digests: refused only for where it would be written. */
    private static ConfigSnapshot single(Path path, String text) {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        java.util.TreeMap<String, String> d = new java.util.TreeMap<>();
        d.put(path.toString(), MirroredFiles.sha256(content));
        return new ConfigSnapshot(MirroredFiles.combine(d),
                List.of(new ConfigSnapshot.File(path.toString(), content, MirroredFiles.sha256(content))));
    }

    private MirroredFiles backupFiles() {
        return new MirroredFiles(List.of(backup.resolve("kamailio.cfg"), backup.resolve("db")), List.of(backup));
    }

    /** Our two "nodes" share a file system: move the master's paths to the backup's directory. */
    private ConfigSnapshot relocate(ConfigSnapshot s) {
        List<ConfigSnapshot.File> files = new ArrayList<>();
        java.util.TreeMap<String, String> digests = new java.util.TreeMap<>();
        for (ConfigSnapshot.File f : s.files()) {
            String path = backup.resolve(master.relativize(Path.of(f.path()))).toString();
            files.add(new ConfigSnapshot.File(path, f.content(), f.sha256()));
            digests.put(path, f.sha256());
        }
        assertArrayEquals(s.files().get(0).content(), files.get(0).content());
        return new ConfigSnapshot(MirroredFiles.combine(digests), files);
    }

    private static void write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p);
    }
}
