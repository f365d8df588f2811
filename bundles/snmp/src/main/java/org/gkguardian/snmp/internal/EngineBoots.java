package org.gkguardian.snmp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * snmpEngineBoots must grow on every start (RFC 3414 2.2: a value used twice with the same engine ID reopens
 * SNMPv3 replay of messages from that boot), so it alone is kept on disk; configuration always comes from
 * ConfigAdmin.
 *
 * <p>Kept twice, in {@code FILE} and {@code FILE.bak}, each written atomically (a temporary file, fsync, rename,
 * fsync of the directory), so that a crash leaves either copy old or new, never torn. The next value is one more
 * than the highest copy that reads as a number; a copy that does not read is ignored. When files exist but
 * none reads, the counter is not known, and rather than restart at 1 (which would let an attacker replay) the
 * agent refuses to start until an operator writes a number there: {@link UnknownBootsException}. A count that
 * cannot be stored is refused the same way, for the same reason.
 */
final class EngineBoots {

    private static final Logger LOG = LoggerFactory.getLogger(EngineBoots.class);
    /** RFC 3414: snmpEngineBoots stays at 2147483647 once reached. */
    static final int MAX = Integer.MAX_VALUE;

    /** The counter cannot be read or stored safely; the message says what to do. */
    static final class UnknownBootsException extends IOException {
        private static final long serialVersionUID = 1L;

        UnknownBootsException(String message) {
            super(message);
        }
    }

    private EngineBoots() {
    }

    /**
     * Reads the last count from {@code file}, its backup and any {@code legacy} files (earlier locations), stores
     * the next in both copies and returns it; 1 when no file exists at all.
     *
     * @throws UnknownBootsException when files exist but none reads as a count, or the next count cannot be stored
     */
    static int next(Path file, List<Path> legacy) throws UnknownBootsException {
        Path backup = backupOf(file);
        long last = 0;
        boolean anyFile = false;
        boolean anyReadable = false;
        for (Path copy : concat(List.of(file, backup), legacy)) {
            if (!Files.exists(copy)) {
                continue;
            }
            anyFile = true;
            OptionalLong value = read(copy);
            if (value.isPresent()) {
                anyReadable = true;
                last = Math.max(last, value.getAsLong());
            } else {
                LOG.warn("{} does not hold an snmpEngineBoots count; ignoring it", copy);
            }
        }
        if (anyFile && !anyReadable) {
            throw new UnknownBootsException("snmpEngineBoots is unknown: " + file + " and " + backup + " are "
                    + "unreadable; restarting at 1 would let old SNMPv3 messages be replayed. Write the last count "
                    + "(or a larger number) into " + file + ", or change engine.id");
        }
        int next = last >= MAX - 1 ? MAX : (int) last + 1;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            writeAtomically(file, next);
            writeAtomically(backup, next);
        } catch (IOException | RuntimeException e) {
            throw new UnknownBootsException("cannot store snmpEngineBoots " + next + " in " + file + ": " + e
                    + "; the agent does not start on a count it cannot keep");
        }
        return next;
    }

    static Path backupOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** A count: digits only, 1 to 2147483647. */
    private static OptionalLong read(Path copy) {
        try {
            String text = Files.readString(copy, StandardCharsets.US_ASCII).trim();
            if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return OptionalLong.empty();
            }
            long value = Long.parseLong(text);
            return value >= 1 && value <= MAX ? OptionalLong.of(value) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static void writeAtomically(Path target, int value) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        byte[] bytes = (value + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes the rename itself durable; a file system that cannot open a directory for this is left to its journal. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot fsync directory {}: {}", directory, e.toString());
        }
    }

    /** Where the count lives: ${karaf.data}/gkguardian/snmp-engine-boots, beside the guardian's epoch. */
    static Optional<Path> defaultFile() {
        String data = System.getProperty("karaf.data");
        return data == null || data.isBlank() ? Optional.empty()
                : Optional.of(Path.of(data, "gkguardian", "snmp-engine-boots"));
    }
}
