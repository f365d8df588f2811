package org.gkguardian.ipbinding.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.gkguardian.ipbinding", name = "GK Guardian VIP binding",
        description = "The public addresses (VIPs) the master binds, and how they are announced.")
public @interface IpBindingConfig {

    @AttributeDefinition(required = false,
            description = "VIPs as ADDRESS/PREFIX@INTERFACE, e.g. 203.0.113.10/24@eth1 or 2001:db8::10/64@eth1; "
                    + "several separated by commas. Empty: this node binds no VIP.")
    String[] vips() default {};
}
