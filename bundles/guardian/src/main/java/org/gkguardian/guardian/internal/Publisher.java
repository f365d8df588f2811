package org.gkguardian.guardian.internal;

import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.RoleTransition;

/** Where the role machine sends what it did and saw. */
interface Publisher {
    void transition(RoleTransition transition);

    void event(GuardianEvent event);
}
