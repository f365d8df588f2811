package org.gkguardian.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.GuardianListener;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration.ConfigurationAttribute;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The guardian in our assembly with its shipped configuration: a one-node cluster on loopback that elects itself
 * master over a real JGroups channel inside Karaf, tells the whiteboard listeners, and refuses a bad configuration
 * while it keeps running on the last good one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GuardianIT {

    private static final String PID = "org.gkguardian.guardian";
    private static final long WAIT_MS = 60_000;

    @Inject
    private Guardian injected;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return GkgTestSupport.gkgAssembly();
    }

    @Test
    public void defaultOneNodeClusterElectsItselfMasterAndRefusesABadConfiguration() throws Exception {
        org.osgi.service.cm.Configuration cfg = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> props = cfg.getProperties();
        assertEquals("the shipped configuration is installed", "127.0.0.1", props.get("internal.address"));
        assertEquals("127.0.0.1", props.get("members"));
        assertTrue(!cfg.getAttributes().contains(ConfigurationAttribute.READ_ONLY));

        // Other test classes may run beside this one: move off the default port to a free one.
        props.put("port", Integer.toString(freePortPair()));
        cfg.update(props);
        waitFor("master after the port change", () -> guardian().status().role() == Role.MASTER
                && guardian().history().stream().anyMatch(t -> t.to() == Role.STOPPED));
        NodeStatus first = guardian().status();
        assertTrue("epoch " + first.epoch(), first.epoch() >= 1);
        assertTrue(first.configured());
        assertEquals("node-127.0.0.1", first.name());
        assertEquals("node-127.0.0.1", first.master().orElse(""));

        List<RoleTransition> heard = new CopyOnWriteArrayList<>();
        ServiceRegistration<GuardianListener> registration = context.registerService(GuardianListener.class,
                new GuardianListener() {
                    @Override
                    public void roleChanged(RoleTransition transition) {
                        heard.add(transition);
                    }
                }, null);
        try {
            // A new port is not safe to change live: the membership restarts (priority alone would not).
            props.put("priority", "150");
            props.put("port", Integer.toString(freePortPair()));
            cfg.update(props);
            waitFor("a listener hears the guardian stop and become master again",
                    () -> heard.stream().anyMatch(t -> t.to() == Role.STOPPED)
                            && heard.stream().anyMatch(t -> t.to() == Role.MASTER));
            long epoch = guardian().status().epoch();
            assertTrue("a new election raised the epoch: " + epoch + " > " + first.epoch(), epoch > first.epoch());
            assertEquals(150, guardian().status().priority());

            props.put("priority", "999");
            cfg.update(props);
            waitFor("the refusal is reported", () -> guardian().status().problem().contains("priority"));
            assertEquals(Role.MASTER, guardian().status().role());
            assertEquals(150, guardian().status().priority());
        } finally {
            registration.unregister();
        }

        // The SNMP agent is a listener that itself needs the Guardian: the circle must close once both are up.
        ServiceComponentRuntime scr = context.getService(context.getServiceReference(ServiceComponentRuntime.class));
        waitFor("the SNMP agent is bound as a listener", () -> scr.getComponentDescriptionDTOs().stream()
                .filter(d -> d.name.equals("org.gkguardian.guardian.internal.GuardianComponent"))
                .flatMap(d -> scr.getComponentConfigurationDTOs(d).stream())
                .flatMap(c -> java.util.Arrays.stream(c.satisfiedReferences))
                .filter(r -> r.name.equals("listener")).anyMatch(r -> r.boundServices.length >= 1));
    }

    /** The Guardian service now: a component may be re-created when a service it needs comes again. */
    private Guardian guardian() {
        return context.getService(context.getServiceReference(Guardian.class));
    }

    /** A port whose successor (used for crash detection) is free as well. */
    private static int freePortPair() {
        for (int i = 0; i < 50; i++) {
            int port = GkgTestSupport.freePort();
            try (java.net.ServerSocket next = new java.net.ServerSocket(port + 1)) {
                return port;
            } catch (java.io.IOException busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free pair of ports");
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        GkgTestSupport.awaitCondition(what, Duration.ofMillis(WAIT_MS), condition, () -> "");
    }
}
