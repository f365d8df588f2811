package org.gkguardian.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * What a user does with an existing Karaf: add our features repository to a stock Apache Karaf,
 * install gk-guardian, and find every bundle active and every component satisfied.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureInstallIT {

    @Inject
    private FeaturesService features;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return GkgTestSupport.stockKaraf();
    }

    @Test
    public void gkGuardianInstallsIntoStockKarafWithEveryBundleActiveAndEveryComponentSatisfied() throws Exception {
        features.addRepository(URI.create(GkgTestSupport.featuresRepository()));
        features.installFeature("gk-guardian");

        assertTrue("gk-guardian is installed", features.isInstalled(features.getFeature("gk-guardian")));

        List<Bundle> ours = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name.startsWith("org.gkguardian.")) {
                ours.add(bundle);
            }
        }
        // api, election, guardian, lifecycle, ipbinding, snmp, shell and the three libraries
        assertEquals("bundles of the feature", 10, ours.size());
        for (Bundle bundle : ours) {
            assertEquals(bundle.getSymbolicName() + " is active", Bundle.ACTIVE, bundle.getState());
        }

        // The feature's configuration files reach ConfigAdmin asynchronously, through fileinstall.
        GkgTestSupport.awaitCondition("every component of ours satisfied", Duration.ofSeconds(90),
                () -> Components.unsatisfied(context, ours).isEmpty(),
                () -> Components.unsatisfied(context, ours).toString());
    }

    /**
     * Apart from the test class: a stock Karaf has no SCR until the feature brings it, and the probe
     * must not need the SCR API before then.
     */
    private static final class Components {
        static List<String> unsatisfied(BundleContext context, List<Bundle> ours) {
            ServiceComponentRuntime scr = context.getService(context.getServiceReference(ServiceComponentRuntime.class));
            return unsatisfied(scr, ours);
        }

        static List<String> unsatisfied(ServiceComponentRuntime scr, List<Bundle> ours) {
        List<String> unsatisfied = new ArrayList<>();
        for (Bundle bundle : ours) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (configuration.state != ComponentConfigurationDTO.ACTIVE
                            && configuration.state != ComponentConfigurationDTO.SATISFIED) {
                        unsatisfied.add(description.name + " state " + configuration.state);
                    }
                }
                if (scr.getComponentConfigurationDTOs(description).isEmpty()) {
                    unsatisfied.add(description.name + " has no configuration (missing required configuration?)");
                }
            }
        }
        return unsatisfied;
        }
    }
}
