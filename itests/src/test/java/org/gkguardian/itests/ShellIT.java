package org.gkguardian.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.Role;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * Every gkg command run through Karaf's console against the real one-node guardian of our
 * distribution (default configuration: loopback, elects itself), and the MBean beside them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT {

    /** Generous for a 2-core machine shared with other builds; the conditions are met in ~1-2 s. */
    static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    @Filter(timeout = 60_000)
    private Guardian guardian;

    @Configuration
    public Option[] config() {
        return singleNodeKaraf();
    }

    /**
     * A stock Karaf with gk-guardian among its boot features and the one-node defaults, moved to
     * ports nobody else on this machine uses (the feature keeps an existing etc/*.cfg). The probe
     * links org.gkguardian.api, so the feature must be there before the probe starts.
     */
    static Option[] singleNodeKaraf() {
        return GkgTestSupport.stockKaraf(
                features(maven().groupId("org.gkguardian").artifactId("gk-guardian-features").type("xml")
                        .classifier("features").versionAsInProject(), "gk-guardian"),
                editConfigurationFilePut("etc/org.gkguardian.guardian.cfg", "port",
                        Integer.toString(GkgTestSupport.freePort())),
                editConfigurationFilePut("etc/org.gkguardian.snmp.cfg", "listen.addresses",
                        "udp:127.0.0.1/" + GkgTestSupport.freePort()));
    }

    @Before
    public void theNodeIsMaster() {
        awaitCondition("the one-node guardian is master", () -> guardian.status().role() == Role.MASTER);
    }

    @Test
    public void statusShowsTheGuardiansRoleEpochMasterQuorumAndGatekeeper() throws Exception {
        NodeStatus s = guardian.status();
        String out = execute("gkg:status");
        assertLine(out, "Node +" + Pattern.quote(s.name() + " (" + s.internalAddress().getHostAddress() + ", priority "
                + s.priority() + ")"));
        assertLine(out, "Role +master since .*");
        assertLine(out, "Epoch +" + s.epoch());
        assertLine(out, "Master +" + Pattern.quote(s.name()) + ".*");
        assertLine(out, "VIPs +.*");
        assertLine(out, "Quorum +" + s.quorum().label());
        assertLine(out, "Lease +\\d.*");
        assertLine(out, "Gatekeeper +" + s.gatekeeper().label());
        assertLine(out, "Configured +yes");
        assertLine(out, "Problem +none");
    }

    @Test
    public void membersShowsThisNodeAsMasterInATable() throws Exception {
        NodeStatus s = guardian.status();
        String out = execute("gkg:members");
        assertLine(out, ".*Name.*Address.*Role.*Master.*Prio.*Epoch.*Eligible.*Gatekeeper.*Reachable.*");
        assertLine(out, ".*1.*" + Pattern.quote(s.name()) + ".*" + Pattern.quote(s.internalAddress().getHostAddress())
                + ".*master.*\\*.*" + s.priority() + ".*yes.*");
    }

    @Test
    public void switchoverToTheMasterItselfHasNothingToDo() throws Exception {
        String name = guardian.status().name();
        String out = execute("gkg:switchover " + name);
        assertLine(out, "Switchover to " + Pattern.quote(name) + ": nothing to do: .*");
    }

    @Test
    public void switchoverWithoutAnotherEligibleMemberIsRefusedWithTheReason() {
        String refusal = executeExpectingFailure("gkg:switchover");
        assertTrue(refusal, refusal.startsWith("Switchover to the best other member refused"));
        assertTrue(refusal, refusal.contains("no other eligible member"));
        assertEquals(Role.MASTER, guardian.status().role());
    }

    @Test
    public void switchoverToAnUnknownMemberIsRefusedWithTheReason() {
        String refusal = executeExpectingFailure("gkg:switchover node-that-does-not-exist");
        assertTrue(refusal, refusal.contains("refused (unknown target)"));
        assertTrue(refusal, refusal.contains("node-that-does-not-exist"));
    }

    @Test
    public void maintenanceOfTheOnlyMasterIsRefusedAndOffHasNothingToDo() throws Exception {
        String refusal = executeExpectingFailure("gkg:maintenance on");
        assertTrue(refusal, refusal.startsWith("Maintenance on refused"));
        assertTrue(refusal, refusal.contains("no other eligible member"));
        assertEquals(Role.MASTER, guardian.status().role());
        assertLine(execute("gkg:maintenance off"), "Maintenance off: nothing to do: .*");
    }

    @Test
    public void historyShowsTheElectionThatMadeThisNodeMaster() throws Exception {
        String out = execute("gkg:history");
        assertLine(out, ".*At.*Node.*From.*To.*Epoch.*Cause.*Took.*Master.*");
        assertLine(out, ".*" + Pattern.quote(guardian.status().name()) + ".*master.*");
    }

    @Test
    public void alarmsListsTheGuardiansActiveAlarms() throws Exception {
        String out = execute("gkg:alarms");
        if (guardian.activeAlarms().isEmpty()) {
            assertLine(out, ".*No active alarms\\..*");
        } else {
            assertLine(out, ".*" + Pattern.quote(guardian.activeAlarms().get(0).id()) + ".*");
        }
    }

    @Test
    public void theGuardianMBeanIsRegisteredWithTheSameStatus() throws Exception {
        // Karaf's MBeanServer is the platform one; its whiteboard registers our MBean service.
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.gkguardian:type=Guardian");
        awaitCondition("the MBean is registered", () -> server.isRegistered(name));
        NodeStatus s = guardian.status();
        assertEquals(s.name(), server.getAttribute(name, "Name"));
        assertEquals("master", server.getAttribute(name, "Role"));
        assertEquals(s.name(), server.getAttribute(name, "Master"));
        assertEquals(s.epoch(), server.getAttribute(name, "Epoch"));
    }

    /** As the console's admin user: switchover and maintenance are admin-only (AccessControlIT). */
    private String execute(String command) throws Exception {
        Subject admin = new Subject();
        admin.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : new String[] {"admin", "manager", "viewer"}) {
            admin.getPrincipals().add(new RolePrincipal(role));
        }
        try {
            return Subject.doAs(admin, (PrivilegedExceptionAction<String>) () -> execute(sessionFactory, command));
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }

    private String executeExpectingFailure(String command) {
        try {
            String out = execute(command);
            fail(command + " succeeded but should have been refused; it printed:\n" + out);
            return out;
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    /** Runs one command line in a fresh console session and returns what it printed. */
    static String execute(SessionFactory factory, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = factory.create(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            session.execute(command);
        } finally {
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static void assertLine(String output, String regex) {
        assertTrue("no line matches " + regex + " in:\n" + output, output.lines().anyMatch(l -> l.matches(regex)));
    }

    static void awaitCondition(String what, BooleanSupplier condition) {
        GkgTestSupport.awaitCondition(what, BOUND, condition, () -> "");
    }

    static void awaitCondition(String what, BooleanSupplier condition, Supplier<String> state) {
        GkgTestSupport.awaitCondition(what, BOUND, condition, state);
    }
}
