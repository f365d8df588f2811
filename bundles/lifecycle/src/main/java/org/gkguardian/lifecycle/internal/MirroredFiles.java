package org.gkguardian.lifecycle.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.gkguardian.api.ConfigMirror.MirrorException;
import org.gkguardian.api.ConfigSnapshot;

/**
 * The gatekeeper files this node declares for mirroring ({@code mirror.paths}, files or directories,
 * all inside {@code mirror.allowed.dirs}): their digest, a snapshot of them, and the atomic
 * application of a snapshot received from the master.
 *
 * <p>Digest: SHA-256 over, for each regular file sorted by path, {@code path NUL sha256hex LF}. Inside
 * a declared directory, symbolic links, {@code *.prev} (kept previous versions) and {@code .gkg-*}
 * (our temporary files) are left out.
 */
final class MirroredFiles {

    static final String PREVIOUS = ".prev";
    private static final String TEMPORARY = ".gkg-";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** No snapshot is limited by default: tests and callers that do not care about the size. */
    static final long UNLIMITED = Long.MAX_VALUE;

    private final List<Path> declared;
    private final List<Path> allowedBases;
    private final long maxBytes;

    MirroredFiles(List<Path> declared, List<Path> allowedBases) {
        this(declared, allowedBases, UNLIMITED);
    }

    /** @param maxBytes the most bytes of file content a snapshot may hold ({@code mirror.max.bytes}) */
    MirroredFiles(List<Path> declared, List<Path> allowedBases, long maxBytes) {
        this.declared = List.copyOf(declared);
        this.allowedBases = List.copyOf(allowedBases);
        this.maxBytes = maxBytes;
    }

    boolean isEmpty() {
        return declared.isEmpty();
    }

    String digest() throws IOException {
        if (declared.isEmpty()) {
            return "";
        }
        TreeMap<String, String> digests = new TreeMap<>();
        for (Path file : files()) {
            digests.put(file.toString(), sha256(Files.readAllBytes(file)));
        }
        return combine(digests);
    }

    /**
     * What changes when a file is edited, without reading any: each file's path, size, modification time and
     * identity (an editor that writes a new file and renames it changes the identity). Cheap enough to compare
     * several times a second; the digest is recomputed only when it changed.
     */
    String fingerprint() throws IOException {
        StringBuilder out = new StringBuilder();
        for (Path file : files()) {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            out.append(file).append('\0').append(a.size()).append('\0').append(a.lastModifiedTime().toMillis())
                    .append('\0').append(a.fileKey()).append('\n');
        }
        return out.toString();
    }

    /** Each declared file's SHA-256 by path, as they are now. */
    TreeMap<String, String> manifest() throws IOException {
        TreeMap<String, String> digests = new TreeMap<>();
        for (Path file : files()) {
            digests.put(file.toString(), sha256(Files.readAllBytes(file)));
        }
        return digests;
    }

    ConfigSnapshot snapshot() throws IOException {
        List<ConfigSnapshot.File> entries = new ArrayList<>();
        TreeMap<String, String> digests = new TreeMap<>();
        long total = 0;
        for (Path file : files()) {
            byte[] content = Files.readAllBytes(file);
            total += content.length;
            if (total > maxBytes) {
                throw new IOException("mirror.max.bytes: the declared files hold more than " + maxBytes
                        + " bytes; nothing sent");
            }
            String sha = sha256(content);
            entries.add(new ConfigSnapshot.File(file.toString(), content, sha));
            digests.put(file.toString(), sha);
        }
        return new ConfigSnapshot(declared.isEmpty() ? "" : combine(digests), entries);
    }

    /**
     * Verifies the whole snapshot, then writes it. Returns whether any file changed.
     */
    boolean apply(ConfigSnapshot snapshot) throws MirrorException {
        long total = 0;
        for (ConfigSnapshot.File file : snapshot.files()) {
            total += file.content().length;
        }
        if (total > maxBytes) {
            throw new MirrorException("mirror.max.bytes: the snapshot holds " + total + " bytes, more than " + maxBytes
                    + "; nothing written");
        }
        TreeMap<String, String> digests = new TreeMap<>();
        for (ConfigSnapshot.File file : snapshot.files()) {
            Path path = Path.of(file.path());
            if (!path.isAbsolute() || !path.normalize().equals(path)) {
                throw new MirrorException("snapshot path " + file.path() + " is not absolute and normalized; nothing written");
            }
            if (allowedBases.stream().noneMatch(path::startsWith)) {
                throw new MirrorException("mirror.allowed.dirs: snapshot path " + path + " is outside " + allowedBases
                        + "; nothing written");
            }
            if (declared.stream().noneMatch(path::startsWith) || excluded(path)) {
                throw new MirrorException("mirror.paths: snapshot path " + path + " is not declared here " + declared
                        + "; nothing written");
            }
            if (!sha256(file.content()).equals(file.sha256())) {
                throw new MirrorException("snapshot file " + path + " is corrupt or incomplete (SHA-256 mismatch); nothing written");
            }
            if (digests.put(path.toString(), file.sha256()) != null) {
                throw new MirrorException("snapshot lists " + path + " twice; nothing written");
            }
        }
        String expected = snapshot.files().isEmpty() && snapshot.digest().isEmpty() ? "" : combine(digests);
        if (!expected.equals(snapshot.digest())) {
            throw new MirrorException("snapshot digest " + snapshot.digest() + " does not match its files (" + expected
                    + "): incomplete transfer; nothing written");
        }
        try {
            for (Path path : declared) {
                if (realInsideBases(path) == null) {
                    throw new MirrorException("mirror.paths: " + path + " resolves outside mirror.allowed.dirs "
                            + allowedBases + "; nothing written");
                }
            }
            for (ConfigSnapshot.File file : snapshot.files()) {
                checkTarget(Path.of(file.path()));
            }
            return write(snapshot);
        } catch (IOException e) {
            throw new MirrorException("writing the snapshot failed: " + e.getMessage(), e);
        }
    }

    /**
     * A file is written only where it stays inside the allowed directories: never through a symbolic link (the
     * rename would replace the link, or the link would lead elsewhere), and never into a directory that a link
     * somewhere above it leads outside.
     */
    private void checkTarget(Path target) throws IOException, MirrorException {
        if (Files.isSymbolicLink(target)) {
            Path leadsTo = Files.readSymbolicLink(target);
            boolean outside = realInsideBases(target) == null;
            throw new MirrorException("mirror.allowed.dirs: snapshot path " + target + " is a symbolic link to " + leadsTo
                    + (outside ? ", outside " + allowedBases : "; mirroring writes regular files only")
                    + "; nothing written");
        }
        Path existing = target.getParent();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && realInsideBases(existing) == null) {
            throw new MirrorException("mirror.allowed.dirs: snapshot path " + target + " lies under " + existing
                    + ", which resolves to " + existing.toRealPath() + ", outside " + allowedBases + "; nothing written");
        }
    }

    private boolean write(ConfigSnapshot snapshot) throws IOException {
        List<Path[]> staged = new ArrayList<>();
        Set<Path> incoming = new HashSet<>();
        try {
            for (ConfigSnapshot.File file : snapshot.files()) {
                Path target = Path.of(file.path());
                incoming.add(target);
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                        && sha256(Files.readAllBytes(target)).equals(file.sha256())) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                Path temporary = temporaryBeside(target);
                writeSynced(temporary, file.content());
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
                    } catch (UnsupportedOperationException e) {
                        // Not a POSIX file system: the default permissions stay.
                    }
                }
                staged.add(new Path[] { temporary, target });
            }
        } catch (IOException e) {
            for (Path[] pair : staged) {
                Files.deleteIfExists(pair[0]);
            }
            throw e;
        }
        // Everything is on disk: now replace, keeping each previous version.
        for (Path[] pair : staged) {
            Path target = pair[1];
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Path prevTemporary = temporaryBeside(target);
                Files.copy(target, prevTemporary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                Files.move(prevTemporary, previous(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(pair[0], target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(target.getParent());
        }
        // Files the master no longer has are set aside as .prev, not deleted.
        int removed = 0;
        for (Path existing : files()) {
            if (!incoming.contains(existing)) {
                Files.move(existing, previous(existing), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory(existing.getParent());
                removed++;
            }
        }
        return !staged.isEmpty() || removed > 0;
    }

    private static Path previous(Path target) {
        return target.resolveSibling(target.getFileName() + PREVIOUS);
    }

    private static Path temporaryBeside(Path target) {
        return target.resolveSibling(TEMPORARY + target.getFileName() + "." + HexFormat.of().toHexDigits(RANDOM.nextInt()));
    }

    private static void writeSynced(Path path, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            out.write(content);
            out.flush();
            channel.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temporary file " + path + " already exists", e);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems refuse to sync a directory; the rename itself is still atomic.
        }
    }

    /** The regular files covered by the declarations, sorted, each checked to resolve inside the bases. */
    List<Path> files() throws IOException {
        TreeMap<String, Path> found = new TreeMap<>();
        for (Path path : declared) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (realInsideBases(path) == null) {
                throw new IOException("mirror.paths: " + path + " resolves to " + path.toRealPath()
                        + ", outside mirror.allowed.dirs " + allowedBases);
            }
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> !excluded(p))
                            .forEach(p -> found.put(p.toString(), p));
                }
            } else if (Files.isRegularFile(path)) {
                found.put(path.toString(), path);
            }
        }
        return List.copyOf(found.values());
    }

    private Path realInsideBases(Path path) throws IOException {
        if (!Files.exists(path)) {
            return path;
        }
        Path real = path.toRealPath();
        for (Path base : allowedBases) {
            Path realBase = Files.exists(base) ? base.toRealPath() : base;
            if (real.startsWith(realBase)) {
                return real;
            }
        }
        return null;
    }

    private static boolean excluded(Path path) {
        String name = path.getFileName().toString();
        return name.endsWith(PREVIOUS) || name.startsWith(TEMPORARY);
    }

    static String combine(TreeMap<String, String> digestsByPath) {
        MessageDigest md = sha256();
        digestsByPath.forEach((path, sha) -> {
            md.update(path.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(sha.getBytes(StandardCharsets.US_ASCII));
            md.update((byte) '\n');
        });
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
