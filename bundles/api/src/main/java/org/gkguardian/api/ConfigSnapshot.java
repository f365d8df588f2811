package org.gkguardian.api;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The mirrored gatekeeper configuration files of one node at one moment, as the master publishes
 * them to its backups (see {@link ConfigMirror}). Serializable so that the guardian's channel can
 * carry it as it is.
 *
 * @param digest SHA-256 over every file's path and digest, the value of {@link ConfigMirror#digest()}
 * @param files  the files, sorted by path
 */
public record ConfigSnapshot(String digest, List<ConfigSnapshot.File> files) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ConfigSnapshot {
        Objects.requireNonNull(digest, "digest");
        files = files == null ? List.of() : List.copyOf(files);
    }

    /**
     * One mirrored file.
     *
     * @param path    its absolute path, the same on every node
     * @param content its bytes
     * @param sha256  SHA-256 of the bytes, lower-case hex
     */
    public record File(String path, byte[] content, String sha256) implements Serializable {
        private static final long serialVersionUID = 1L;

        public File {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(sha256, "sha256");
        }
    }
}
