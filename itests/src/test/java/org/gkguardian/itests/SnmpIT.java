package org.gkguardian.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.Role;
import org.gkguardian.api.GuardianListener;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The SNMP agent hosted in Karaf over the real guardian (gk-guardian installed into a stock Karaf on its
 * default configuration, the agent moved to a test port) answers Net-SNMP's snmpget with the node's role,
 * and the feature installed the MIB for the NMS.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SnmpIT {

    private static final int AGENT_PORT = 16140;
    private static final String COMMUNITY = "itcommunity";
    private static final String ROLE_OID = "1.3.6.1.4.1.99999.1.1.2.0";

    @Inject
    private FeaturesService features;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return GkgTestSupport.stockKaraf(
                editConfigurationFilePut("etc/org.gkguardian.snmp.cfg", "listen.addresses", "udp:127.0.0.1/" + AGENT_PORT),
                editConfigurationFilePut("etc/org.gkguardian.snmp.cfg", ".community", COMMUNITY));
    }

    @Test
    public void snmpgetReadsTheRoleFromTheKarafHostedAgent() throws Exception {
        installGkGuardian();
        Path mib = Path.of(System.getProperty("karaf.etc"), "mibs", "GK-GUARDIAN-MIB.txt");
        assertTrue("the feature installs " + mib, Files.isRegularFile(mib));
        assertTrue(Files.readString(mib, StandardCharsets.UTF_8).contains("GK-GUARDIAN-MIB DEFINITIONS ::= BEGIN"));

        // The agent starts with the bundle; wait, bounded, for it to answer (snmpget itself waits 1 s a try).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String answer = snmpget(ROLE_OID);
        while (!answer.startsWith("INTEGER:") && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(300);
            answer = snmpget(ROLE_OID);
        }
        assertTrue("snmpget answers the role: " + answer, answer.startsWith("INTEGER:"));
        // The MIB's GkgRole is the api's Role, from 1. A starting node may change role between the answer and the
        // status read here (initializing, then master): compared while the role stands still.
        Guardian guardian = context.getService(context.getServiceReference(Guardian.class));
        Role before = guardian.status().role();
        answer = snmpget(ROLE_OID);
        Role after = guardian.status().role();
        while (before != after && System.nanoTime() < deadline) {
            before = after;
            answer = snmpget(ROLE_OID);
            after = guardian.status().role();
        }
        assertEquals("the role stood still around one snmpget", before, after);
        assertTrue("snmpget answers the role: " + answer, answer.startsWith("INTEGER:"));
        assertEquals(answer, after.ordinal() + 1, Integer.parseInt(answer.substring("INTEGER:".length()).trim()));
    }

    @Test
    public void secretsAreNotPublishedAsServiceProperties() throws Exception {
        installGkGuardian();
        boolean found = false;
        for (ServiceReference<GuardianListener> ref : context.getServiceReferences(GuardianListener.class, null)) {
            if (!"org.gkguardian.snmp".equals(ref.getBundle().getSymbolicName())) {
                continue;
            }
            found = true;
            for (String key : ref.getPropertyKeys()) {
                assertTrue("published: " + key, !key.contains("community") && !key.contains("users")
                        && !key.contains("targets"));
                assertTrue("published value of " + key, !String.valueOf(ref.getProperty(key)).contains(COMMUNITY));
            }
        }
        assertTrue("the snmp bundle registers its GuardianListener", found);
    }

    /** As a user would: the feature into a stock Karaf whose etc/ already holds the agent's configuration. */
    private void installGkGuardian() throws Exception {
        if (features.getFeature("gk-guardian") == null || !features.isInstalled(features.getFeature("gk-guardian"))) {
            features.addRepository(URI.create(GkgTestSupport.featuresRepository()));
            features.installFeature("gk-guardian");
        }
    }

    private static String snmpget(String oid) throws Exception {
        Process p = new ProcessBuilder(List.of("/usr/bin/snmpget", "-v2c", "-c", COMMUNITY, "-On", "-Ov", "-t", "1",
                "-r", "0", "udp:127.0.0.1:" + AGENT_PORT, oid)).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timeout";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return out.lines().filter(l -> l.startsWith("INTEGER:")).findFirst().orElse(out.trim());
    }
}
