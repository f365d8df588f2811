package org.gkguardian.ipbinding.internal;

import java.util.List;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipControl;
import org.gkguardian.api.VipStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Binds the VIPs on the master. This first version only serves the "no VIP configured" case, so that the
 * guardian can run in Karaf while the real binding is written.
 */
@Component(name = "org.gkguardian.ipbinding", service = VipControl.class,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IpBindingConfig.class)
public class IpBinding implements VipControl {

    @Activate
    public IpBinding(IpBindingConfig config) {
    }

    @Override
    public List<VipAddress> configured() {
        return List.of();
    }

    @Override
    public void bind(RoleContext context) {
    }

    @Override
    public void release() {
    }

    @Override
    public void announce() {
    }

    @Override
    public List<VipStatus> status() {
        return List.of();
    }
}
