package org.gkguardian.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register a service with this interface to hear every role transition and event of
 * the local guardian. Called in order, from one thread; do not block.
 */
@ConsumerType
public interface GuardianListener {

    default void roleChanged(RoleTransition transition) {
    }

    default void eventRaised(GuardianEvent event) {
    }
}
