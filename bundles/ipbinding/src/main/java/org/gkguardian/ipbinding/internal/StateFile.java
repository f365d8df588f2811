package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.gkguardian.api.VipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIPs this node may have bound, one {@code ADDRESS/PREFIX@INTERFACE} a line, written before an
 * address is added and cleared once its removal is verified. IPv6 addresses carry no label, so after a
 * crash this file (read by bin/gkg-release too) is what names them.
 */
public final class StateFile {
    private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);

    private final Path path;

    public StateFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public void write(List<VipAddress> vips) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        StringBuilder text = new StringBuilder();
        for (VipAddress vip : vips) {
            text.append(vip.cidr()).append('@').append(vip.interfaceName()).append('\n');
        }
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** What the file names; entries that are not valid VIPs are skipped with a warning. */
    public List<VipAddress> read() {
        List<VipAddress> vips = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return vips;
        } catch (IOException e) {
            LOG.warn("Cannot read the VIP state file {}: {}", path, e.toString());
            return vips;
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                vips.add(ConfigValidator.parseVip(line.strip()));
            } catch (ConfigException e) {
                LOG.warn("Ignoring line of {}: {}", path, e.getMessage());
            }
        }
        return vips;
    }

    public void clear() throws IOException {
        Files.deleteIfExists(path);
    }
}
