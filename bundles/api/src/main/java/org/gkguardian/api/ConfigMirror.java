package org.gkguardian.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The local half of configuration mirroring (provided by the lifecycle bundle): the master's
 * guardian takes a {@link #snapshot()} of its declared gatekeeper files and sends it over its
 * channel; a backup's guardian hands what it received to {@link #apply}. The digest is published
 * even when mirroring is off, so that members can raise a config-mismatch alarm.
 */
@ProviderType
public interface ConfigMirror {

    /** Whether this node accepts snapshots from the master ({@code mirror.enabled}). */
    boolean enabled();

    /** SHA-256 of the declared files as they are now, or empty when nothing is declared. */
    String digest();

    /**
     * The declared files as they are now. They become this node's reference for {@link #localChanges()}: a master
     * takes a snapshot to send it.
     */
    ConfigSnapshot snapshot() throws MirrorException;

    /**
     * The declared files (absolute paths, sorted) that were added, changed or removed on this node since the last
     * snapshot it took or applied, or since their paths were configured: on a backup, files edited locally.
     */
    default java.util.List<String> localChanges() {
        return java.util.List.of();
    }

    /**
     * Verify a snapshot from the master and write it over the local files: each file atomically
     * (temporary file, fsync, rename), the previous version kept as {@code <name>.prev}; then reload
     * a running gatekeeper. Nothing is written unless the whole snapshot verifies.
     *
     * @throws MirrorException when mirroring is off, the snapshot is larger than allowed, corrupt or incomplete,
     *                         a path is not one this node declares or leads outside its allowed directories, files
     *                         were edited locally and may not be overwritten, or writing fails
     */
    void apply(ConfigSnapshot snapshot) throws MirrorException;

    class MirrorException extends Exception {
        private static final long serialVersionUID = 1L;

        public MirrorException(String message) {
            super(message);
        }

        public MirrorException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
