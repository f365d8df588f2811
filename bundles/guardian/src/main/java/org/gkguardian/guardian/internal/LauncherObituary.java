package org.gkguardian.guardian.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The datagram this node's launcher ({@code bin/gkg-node}) sends every other member once it saw this JVM die and
 * released its VIPs: "run {@code incarnation} is dead and holds nothing". A crash is otherwise believed only after the
 * release allowance (the time a launcher has to release, see {@link Agreement#crashed}); with it, the voters are free
 * as soon as the release is done, and a killed master's successor is elected tens of milliseconds earlier.
 *
 * <p>The launcher holds no key: this JVM seals the datagram under the datagram key when it joins and leaves it in the
 * file the launcher names in {@value #ENVIRONMENT}, one line {@code gkg-obituary 2 PORT HELD NOT_HELD PEER...}: two
 * datagrams in hexadecimal, one saying that the run held the VIP to its end (the launcher removed every VIP it had
 * recorded, each still bound), one that it did not; the launcher sends the one that is true. The launcher
 * sends it with bash's {@code printf} to {@code /dev/udp/PEER/PORT}, without forking; bash's output is line-buffered,
 * so a line feed in the datagram would split it in two: the sealer varies the message until no byte of it, tag
 * included, is a line feed. A recorded copy is worth nothing to anyone else: it speaks of one run, which is over
 * when it is sent, and a promise is freed only when it was given to that run.
 */
final class LauncherObituary {

    /** Where the launcher wants the obituary; absent when the JVM does not run under {@code bin/gkg-node}. */
    static final String ENVIRONMENT = "GKG_OBITUARY";
    private static final byte LINE_FEED = '\n';

    private LauncherObituary() {
    }

    /** The file named by the launcher, if this JVM runs under one. */
    static Optional<Path> file(Map<String, String> environment) {
        String path = environment.get(ENVIRONMENT);
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
    }

    /**
     * The sealed obituary of run {@code incarnation}: the first variant whose sealed bytes hold no line feed (seven in
     * eight do), or empty when {@code seal} cannot seal.
     */
    static Optional<byte[]> datagram(long incarnation, boolean heldVip, Function<byte[], Optional<byte[]>> seal) {
        for (long variant = 0; variant < 1_000; variant++) {
            Optional<byte[]> sealed = seal.apply(Wire.encode(new Wire.Obituary(incarnation, heldVip, variant)));
            if (sealed.isEmpty()) {
                return Optional.empty();
            }
            if (!contains(sealed.get(), LINE_FEED)) {
                return sealed;
            }
        }
        throw new IllegalStateException("no obituary without a line feed in 1000 variants: the sealer is broken");
    }

    /**
     * The line the launcher reads: the guardians' port (UDP), the datagram for a run that held the VIP and the one for
     * a run that did not, in hexadecimal, and the peers' addresses.
     */
    static String line(int port, byte[] held, byte[] notHeld, List<InetAddress> peers) {
        HexFormat hex = HexFormat.of();
        return "gkg-obituary 2 " + port + " " + hex.formatHex(held) + " " + hex.formatHex(notHeld) + " "
                + peers.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(" ")) + "\n";
    }

    /** Replaces the file at once (a launcher reading it sees the old line or the new one), readable by root only. */
    static void write(Path file, String line) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, line, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }
}
