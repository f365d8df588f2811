package org.gkguardian.lifecycle.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Typed configuration of PID {@code org.gkguardian.lifecycle}. */
@ObjectClassDefinition(name = "GK Guardian lifecycle", description = "How the guardian starts, stops and probes its gatekeeper")
public @interface LifecycleConfiguration {

    @AttributeDefinition(name = "driver", description = "none: no gatekeeper is managed (the node only moves the VIP)",
            options = { @Option(value = "none", label = "none") })
    String driver() default "none";
}
