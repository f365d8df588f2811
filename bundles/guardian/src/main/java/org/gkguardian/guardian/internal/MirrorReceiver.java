package org.gkguardian.guardian.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ConfigMirror;
import org.gkguardian.api.ConfigMirror.MirrorException;
import org.gkguardian.api.EventType;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.Role;
import org.gkguardian.api.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup's half of configuration mirroring: takes the master's snapshots (the lifecycle verifies and writes them),
 * refuses anything else with one log line and an alarm, and raises an alarm naming the files edited on this node
 * behind the master's back. Runs on the mirror thread only.
 */
final class MirrorReceiver {

    static final String REFUSED = "mirror-refused";
    static final String LOCAL_EDIT = "mirror-local-edit";
    private static final Logger LOG = LoggerFactory.getLogger(MirrorReceiver.class);

    private final Supplier<ConfigMirror> mirror;
    private final Supplier<NodeStatus> status;
    private final Notices notices;
    private List<String> alarmedEdits = List.of();
    private String disabledDigest = "";

    MirrorReceiver(Supplier<ConfigMirror> mirror, Supplier<NodeStatus> status, Notices notices) {
        this.mirror = mirror;
        this.status = status;
        this.notices = notices;
    }

    /** A snapshot arrived: applied only when it comes from the master this node follows, in its epoch or later. */
    void onPush(Wire.MirrorPush push) {
        NodeStatus s = status.get();
        ConfigMirror m = mirror.get();
        String from = push.master().getHostAddress();
        if (m == null) {
            return;
        }
        if (s.role() == Role.MASTER) {
            refuse(from, "this node is master of epoch " + s.epoch() + " itself; nothing written");
            return;
        }
        if (!s.masterAddress().equals(Optional.of(push.master()))) {
            refuse(from, "it is not the master this node follows (" + s.masterAddress().map(a -> a.getHostAddress())
                    .orElse("none yet") + "); nothing written");
            return;
        }
        if (push.epoch() < s.epoch()) {
            refuse(from, "it was sent in epoch " + push.epoch() + ", before this node's epoch " + s.epoch()
                    + "; nothing written");
            return;
        }
        if (!m.enabled()) {
            if (!push.snapshot().digest().equals(disabledDigest)) {
                disabledDigest = push.snapshot().digest();
                LOG.info("Configuration from master {} not applied: mirror.enabled is false on this node", from);
            }
            return;
        }
        try {
            m.apply(push.snapshot());
        } catch (MirrorException e) {
            refuse(from, e.getMessage());
            return;
        }
        notices.clear(REFUSED, Cause.CONFIGURATION, Map.of());
        clearLocalEdits();
        LOG.info("Configuration from master {} in place: {} files, digest {}", from, push.snapshot().files().size(),
                push.snapshot().digest());
    }

    /** A message that claimed to be a snapshot but does not decode (truncated, or corrupt beyond parsing). */
    void malformed(String why) {
        refuse("the channel", "the snapshot does not decode: " + why + "; nothing written");
    }

    /** Mirror thread: alarm while files differ from what this node last took from the master. */
    void poll() {
        NodeStatus s = status.get();
        ConfigMirror m = mirror.get();
        List<String> edits = m == null || s.role() == Role.MASTER ? List.of() : m.localChanges();
        if (edits.equals(alarmedEdits)) {
            return;
        }
        clearLocalEdits();
        if (!edits.isEmpty()) {
            alarmedEdits = edits;
            notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(), LOCAL_EDIT, Severity.WARNING,
                    "configuration changed on this node, not by the master: " + String.join(", ", edits)
                            + (m.enabled() ? "" : " (mirror.enabled is false)"));
        }
    }

    private void clearLocalEdits() {
        alarmedEdits = List.of();
        notices.clear(LOCAL_EDIT, Cause.CONFIGURATION, Map.of());
    }

    private void refuse(String from, String why) {
        String text = "configuration from " + from + " refused: " + why;
        if (!notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(), REFUSED, Severity.MAJOR, text)) {
            LOG.warn("{}", text);
        }
    }
}
