package org.gkguardian.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.junit.jupiter.api.Test;

class GatekeeperLifecycleUnmanagedTest {

    @Test
    void withoutGatekeeperTheNodeIsUnmanagedAndRoleChangesDoNothing() throws Exception {
        GatekeeperLifecycle lifecycle = new GatekeeperLifecycle();
        lifecycle.configure(new LifecycleConfiguration() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return LifecycleConfiguration.class;
            }

            @Override
            public String driver() {
                return "none";
            }
        });
        RoleContext master = new RoleContext("node1", Role.MASTER, 1, List.of());
        lifecycle.prepareMaster(master);
        lifecycle.standDown(master);
        assertEquals(GatekeeperState.UNMANAGED, lifecycle.state());
        assertEquals("", lifecycle.configDigest());
        lifecycle.deactivate();
    }
}
