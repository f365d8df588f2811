package org.gkguardian.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Configuration mirroring as the shell, JMX and SNMP see it (provided by the guardian): every member's digest
 * against the master's, and a push of the master's files on an operator's request.
 */
@ProviderType
public interface MirrorControl {

    /** Every configured member, this node included, in configuration order. */
    List<MirrorMemberStatus> mirrorStatus();

    /**
     * Send the master's declared files to every backup now. Done on the master only; elsewhere refused with the
     * master's name. Done means sent: each backup verifies and applies it on its own, and {@link #mirrorStatus()} shows
     * when its digest matches.
     */
    OperatorResult push();
}
