package org.gkguardian.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import javax.inject.Inject;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.gkguardian.api.Guardian;
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
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Our distribution's shipped ACLs, exercised as a viewer, a manager and an admin would meet them: over the console
 * (commands run with the user's roles) and over remote JMX (a real login). Only admin reads a secret, moves the
 * master, drains a node or edits org.gkguardian.*; nobody finds the cluster secret among the service properties.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AccessControlIT {

    private static final String SECRET = "Jk3QvP0sR8xYt2Lm9NwZb4Hc7Ug1Fe5Ad6Ks8Oq0Ip=";
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    @Filter(timeout = 60_000)
    private Guardian guardian;

    @Configuration
    public Option[] config() {
        return GkgTestSupport.gkgAssembly(
                editConfigurationFilePut("etc/users.properties", "viewer", "viewer-pw,viewer"),
                editConfigurationFilePut("etc/users.properties", "manager", "manager-pw,manager,viewer"),
                editConfigurationFilePut("etc/users.properties", "boss", "boss-pw,admin,manager,viewer,ssh"),
                editConfigurationFilePut("etc/org.gkguardian.guardian.cfg", ".cluster.secret", SECRET),
                editConfigurationFilePut("etc/org.gkguardian.guardian.cfg", "port",
                        Integer.toString(GkgTestSupport.freePort())),
                editConfigurationFilePut("etc/org.gkguardian.snmp.cfg", "listen.addresses",
                        "udp:127.0.0.1/" + GkgTestSupport.freePort()));
    }

    @Before
    public void theNodeIsMaster() {
        GkgTestSupport.awaitCondition("the one-node guardian is master", BOUND,
                () -> guardian.status().role() == Role.MASTER, () -> guardian.status().toString());
    }

    @Test
    public void onlyAdminReadsTheSecretsOverTheConsole() throws Exception {
        for (String role : new String[] {"viewer", "manager"}) {
            refused(role, "config:list '(service.pid=org.gkguardian.guardian)'");
            refused(role, "config:property-list --pid org.gkguardian.guardian");
        }
        assertTrue("admin sees the configuration", as("admin", "config:list '(service.pid=org.gkguardian.guardian)'")
                .contains(SECRET));
        for (String role : new String[] {"viewer", "manager"}) {
            refused(role, "cat etc/org.gkguardian.guardian.cfg");
            refused(role, "grep secret etc/org.gkguardian.guardian.cfg");
            assertTrue("a pipe still filters for " + role, as(role, "gkg:status | grep Role").contains("master"));
        }
        // By absolute path too. (What admin's cat prints is not captured by this test's session, so the admin
        // side is checked through config:list above.)
        refused("viewer", "cat " + System.getProperty("karaf.etc") + "/org.gkguardian.guardian.cfg");
    }

    @Test
    public void onlyAdminReadsTheSecretsOverJmx() throws Exception {
        for (String user : new String[] {"viewer", "manager"}) {
            try (JMXConnector jmx = jmx(user)) {
                try {
                    Object properties = listProperties(jmx.getMBeanServerConnection(), "org.gkguardian.guardian");
                    fail(user + " listed org.gkguardian.guardian over JMX: " + properties);
                } catch (SecurityException expected) {
                    // the ACL's answer
                }
                // Not an ACL that refuses everything: the same user lists another PID.
                assertTrue(String.valueOf(listProperties(jmx.getMBeanServerConnection(), "org.ops4j.pax.url.mvn"))
                        .contains("localRepository"));
            }
        }
        try (JMXConnector jmx = jmx("boss")) {
            assertTrue("admin reads the secret over JMX",
                    String.valueOf(listProperties(jmx.getMBeanServerConnection(), "org.gkguardian.guardian"))
                            .contains(SECRET));
        }
    }

    @Test
    public void theSecretIsNoServiceProperty() throws Exception {
        assertEquals(SECRET, configurationAdmin.getConfiguration("org.gkguardian.guardian", null).getProperties()
                .get(".cluster.secret"));
        int seen = 0;
        for (ServiceReference<?> ref : context.getAllServiceReferences(null, null)) {
            for (String key : ref.getPropertyKeys()) {
                seen++;
                assertFalse("service " + ref + " publishes " + key, String.valueOf(ref.getProperty(key))
                        .contains(SECRET));
            }
        }
        assertTrue(seen > 100);
    }

    @Test
    public void onlyAdminMovesTheMasterDrainsANodeOrEditsTheGuardiansConfiguration() throws Exception {
        for (String role : new String[] {"viewer", "manager"}) {
            assertTrue(as(role, "gkg:status").contains("master"));
            refused(role, "gkg:switchover");
            refused(role, "gkg:maintenance on");
            assertTrue(as(role, "gkg:mirror status").contains("Last matched"));
            refused(role, "gkg:mirror push");
            refused(role, "config:edit org.gkguardian.lifecycle");
            refused(role, "config:property-set --pid org.gkguardian.lifecycle start.command /bin/sh");
            refused(role, "config:delete org.gkguardian.guardian");
        }
        try (JMXConnector jmx = jmx("manager")) {
            try {
                jmx.getMBeanServerConnection().invoke(configMBean(), "setProperty",
                        new Object[] {"org.gkguardian.lifecycle", "start.command", "/bin/sh"},
                        new String[] {"java.lang.String", "java.lang.String", "java.lang.String"});
                fail("manager changed org.gkguardian.lifecycle over JMX");
            } catch (SecurityException expected) {
                // the ACL's answer
            }
        }
        Dictionary<String, Object> lifecycle = configurationAdmin.getConfiguration("org.gkguardian.lifecycle", null)
                .getProperties();
        assertTrue("start.command unchanged: " + lifecycle,
                lifecycle == null || !"/bin/sh".equals(lifecycle.get("start.command")));
        assertEquals(Role.MASTER, guardian.status().role());
        // The admin may: maintenance off has nothing to do on a master, and the answer says so.
        assertTrue(as("admin", "gkg:maintenance off").contains("nothing to do"));
        // The admin passes the ACL; the guardian itself refuses: this node declares no file to mirror.
        try {
            fail("admin pushed nothing and was told: " + as("admin", "gkg:mirror push"));
        } catch (Exception e) {
            assertTrue(String.valueOf(e.getMessage()), String.valueOf(e.getMessage()).contains("mirror.paths"));
        }
    }

    private void refused(String role, String command) {
        try {
            String out = as(role, command);
            fail(role + " ran '" + command + "'; it printed:\n" + out);
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage());
            // Karaf hides a command a user may not run ("Command not found") or refuses its arguments.
            assertTrue(role + " / " + command + ": " + e, e instanceof SecurityException
                    || message.contains("Insufficient credentials")
                    || message.matches("(?s).*Command not found: ([a-z]+:)?" + command.split(" ")[0].replaceAll(
                            "^[a-z]+:", "") + "\\b.*"));
        }
    }

    /** Runs one console command with the roles of a user of that role (admin holds all three). */
    private String as(String role, String command) throws Exception {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(role));
        subject.getPrincipals().add(new RolePrincipal(role));
        if (role.equals("admin") || role.equals("manager")) {
            subject.getPrincipals().add(new RolePrincipal("viewer"));
        }
        if (role.equals("admin")) {
            subject.getPrincipals().add(new RolePrincipal("manager"));
        }
        try {
            return Subject.doAs(subject, (PrivilegedExceptionAction<String>) () ->
                    ShellIT.execute(sessionFactory, command));
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
    }

    private JMXConnector jmx(String user) throws Exception {
        Dictionary<String, Object> management = configurationAdmin.getConfiguration("org.apache.karaf.management",
                null).getProperties();
        String url = "service:jmx:rmi://127.0.0.1:" + management.get("rmiServerPort") + "/jndi/rmi://127.0.0.1:"
                + management.get("rmiRegistryPort") + "/karaf-" + System.getProperty("karaf.name", "root");
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnector.CREDENTIALS, new String[] {user, user + "-pw"});
        return JMXConnectorFactory.connect(new JMXServiceURL(url), env);
    }

    private static ObjectName configMBean() throws Exception {
        return new ObjectName("org.apache.karaf:type=config,name=" + System.getProperty("karaf.name", "root"));
    }

    private static Object listProperties(MBeanServerConnection server, String pid) throws Exception {
        return server.invoke(configMBean(), "listProperties", new Object[] {pid}, new String[] {"java.lang.String"});
    }
}
