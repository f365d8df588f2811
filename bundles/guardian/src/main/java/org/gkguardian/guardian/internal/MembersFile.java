package org.gkguardian.guardian.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The configured members written for scripts beside the guardian (bin/gkg-kamailio-dmq gives them to Kamailio's
 * DMQ as its peers), so that the member list is configured once: one internal address per line in configured order,
 * this node's followed by {@code " self"}. Written atomically; a script reads what Java wrote and never parses the
 * configuration again.
 */
final class MembersFile {

    private MembersFile() {
    }

    static void write(Path file, List<InetAddress> members, InetAddress self) throws IOException {
        StringBuilder text = new StringBuilder();
        for (InetAddress member : members) {
            text.append(member.getHostAddress()).append(member.equals(self) ? " self" : "").append('\n');
        }
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
