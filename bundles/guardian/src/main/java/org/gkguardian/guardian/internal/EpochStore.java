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
 * The epoch and this node's last vote, on disk. Both only grow: a value lower than the stored one is ignored. Written
 * to a temporary file, forced to disk and renamed over the old one, so a crash leaves either the old or the new
 * state. A vote must be on disk before it is sent: a node that restarts never votes twice in one epoch.
 *
 * <p>Format: one line {@code EPOCH} (what the first release wrote) or {@code EPOCH BALLOT CANDIDATE}, the ballot
 * being the highest epoch voted in and the candidate the internal address voted for.
 */
final class EpochStore implements Epochs {

    private final Path file;
    private long current;
    private Agreement.Ballot ballot;

    EpochStore(Path file) {
        this.file = file;
        String[] fields = read(file);
        this.current = fields.length == 0 ? 0 : number(fields[0]);
        this.ballot = fields.length >= 3 ? new Agreement.Ballot(number(fields[1]), fields[2])
                : Agreement.Ballot.NONE;
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized long current() {
        return current;
    }

    /** Stores {@code epoch} if it is higher than the stored one; returns the epoch in force afterwards. */
    @Override
    public synchronized long raiseTo(long epoch) {
        if (epoch <= current) {
            return current;
        }
        write(epoch, ballot);
        current = epoch;
        return current;
    }

    @Override
    public synchronized Agreement.Ballot ballot() {
        return ballot;
    }

    @Override
    public synchronized void vote(Agreement.Ballot next) {
        if (next.epoch() < ballot.epoch()) {
            throw new IllegalStateException("a vote in epoch " + next.epoch() + " after one in " + ballot.epoch());
        }
        write(current, next);
        ballot = next;
    }

    private long number(String text) {
        try {
            long n = Long.parseLong(text);
            if (n < 0 || n > Wire.MAX_EPOCH) {
                throw new NumberFormatException(text + " is out of range");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the epoch file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static String[] read(Path file) {
        try {
            if (!Files.exists(file)) {
                return new String[0];
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? new String[0] : text.split("\\s+");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the epoch from " + file, e);
        }
    }

    private void write(long epoch, Agreement.Ballot b) {
        String line = b.epoch() == 0 ? epoch + "\n" : epoch + " " + b.epoch() + " " + b.votedFor() + "\n";
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
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
