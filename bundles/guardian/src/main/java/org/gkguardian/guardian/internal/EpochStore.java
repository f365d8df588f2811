package org.gkguardian.guardian.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The epoch on disk. It only grows: a value lower than the stored one is ignored. Written to a temporary file,
 * forced to disk and renamed over the old one, so a crash leaves either the old or the new value.
 */
final class EpochStore {

    private final Path file;
    private long current;

    EpochStore(Path file) {
        this.file = file;
        this.current = read(file);
    }

    Path file() {
        return file;
    }

    synchronized long current() {
        return current;
    }

    /** Stores {@code epoch} if it is higher than the stored one; returns the epoch in force afterwards. */
    synchronized long raiseTo(long epoch) {
        if (epoch <= current) {
            return current;
        }
        write(epoch);
        current = epoch;
        return current;
    }

    private static long read(Path file) {
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the epoch from " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the epoch file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    private void write(long epoch) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((epoch + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // Not every file system lets a directory be opened for sync; the rename is still atomic.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the epoch to " + file, e);
        }
    }
}
