package org.gkguardian.lifecycle.internal;

import org.gkguardian.api.GatekeeperControl;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.RoleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gatekeeper behind this node's guardian. Without a configured gatekeeper it is unmanaged. */
@Component(configurationPid = GatekeeperLifecycle.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LifecycleConfiguration.class)
public class GatekeeperLifecycle implements GatekeeperControl {

    static final String PID = "org.gkguardian.lifecycle";
    private static final Logger LOG = LoggerFactory.getLogger(GatekeeperLifecycle.class);

    private volatile Runnable healthListener = () -> { };

    @Activate
    @Modified
    void configure(LifecycleConfiguration config) {
        LOG.info("Gatekeeper lifecycle configured: driver={}", config.driver());
    }

    @Deactivate
    void deactivate() {
        LOG.debug("Gatekeeper lifecycle deactivated");
    }

    @Override
    public GatekeeperState state() {
        return GatekeeperState.UNMANAGED;
    }

    @Override
    public void prepareMaster(RoleContext context) {
        // Nothing to start: the node only moves the VIP.
    }

    @Override
    public void standDown(RoleContext context) {
        // Nothing to stop.
    }

    @Override
    public String configDigest() {
        return "";
    }

    @Override
    public void setHealthListener(Runnable onHealthChange) {
        healthListener = onHealthChange == null ? () -> { } : onHealthChange;
    }
}
