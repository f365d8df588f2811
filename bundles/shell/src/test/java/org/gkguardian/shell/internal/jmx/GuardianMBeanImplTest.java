package org.gkguardian.shell.internal.jmx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.shell.FakeGuardian;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MBean as a JMX console sees it: through an MBeanServer, by attribute and operation name. */
class GuardianMBeanImplTest {

    private final FakeGuardian guardian = new FakeGuardian();
    private MBeanServer server;
    private ObjectName name;

    @BeforeEach
    void register() throws Exception {
        // newMBeanServer keeps no reference to it, so there is nothing to release afterwards.
        server = MBeanServerFactory.newMBeanServer();
        name = new ObjectName(GuardianMBean.OBJECT_NAME);
        server.registerMBean(new GuardianMBeanImpl(guardian, guardian), name);
    }

    @Test
    void statusAttributesMatchTheGuardian() throws Exception {
        assertEquals("node2", server.getAttribute(name, "Name"));
        assertEquals("master", server.getAttribute(name, "Role"));
        assertEquals(7L, server.getAttribute(name, "Epoch"));
        assertEquals("node2", server.getAttribute(name, "Master"));
        assertArrayEquals(new String[] {"203.0.113.10/24 dev gk0 bound"}, (String[]) server.getAttribute(name, "Vips"));
        assertEquals("quorate", server.getAttribute(name, "Quorum"));
        assertEquals(1500L, server.getAttribute(name, "LeaseMillis"));
        assertEquals("running", server.getAttribute(name, "Gatekeeper"));
        assertEquals(true, server.getAttribute(name, "Configured"));
        assertEquals("", server.getAttribute(name, "Problem"));
        assertEquals("failure", server.getAttribute(name, "LastFailoverCause"));
    }

    @Test
    void tablesAreLinesOfText() throws Exception {
        String[] members = (String[]) server.getAttribute(name, "Members");
        assertEquals(3, members.length);
        assertTrue(members[2].startsWith("3 node3 198.51.100.3 role=fault"), members[2]);
        assertTrue(((String[]) server.getAttribute(name, "History"))[1].contains("backup->master epoch=7 cause=failure"));
        assertTrue(((String[]) server.getAttribute(name, "Alarms"))[0].contains("major member-down:node3"));
    }

    @Test
    void switchoverAndMaintenanceReachTheGuardian() throws Exception {
        Object answer = server.invoke(name, "switchover", new Object[] {"node1"}, new String[] {String.class.getName()});
        assertEquals("accepted: node1 becomes master", answer);
        server.invoke(name, "switchover", new Object[] {""}, new String[] {String.class.getName()});
        server.invoke(name, "maintenance", new Object[] {true}, new String[] {boolean.class.getName()});
        assertEquals(List.of("switchover Optional[node1]", "switchover Optional.empty", "maintenance true"),
                guardian.requests);
    }

    @Test
    void theMirrorIsATableAndAPushAnOperation() throws Exception {
        String[] mirror = (String[]) server.getAttribute(name, "Mirror");
        assertEquals("3 node3 198.51.100.3 digest=cd34 master=false matches=false lastMatched=2026-11-25T10:00:01Z",
                mirror[2]);
        guardian.answer = OperatorResult.accepted("pushed 1 files");
        assertEquals("accepted: pushed 1 files", server.invoke(name, "mirrorPush", new Object[0], new String[0]));
        assertEquals(List.of("push"), guardian.requests);
    }

    @Test
    void aRefusalIsAnExceptionCarryingTheReason() {
        guardian.answer = OperatorResult.refused(Outcome.UNKNOWN_TARGET, "no member is called node9");
        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class,
                () -> server.invoke(name, "switchover", new Object[] {"node9"}, new String[] {String.class.getName()}));
        assertEquals("unknown target: no member is called node9", e.getTargetException().getMessage());
    }

    @Test
    void operationsNameTheirParameters() throws Exception {
        var ops = server.getMBeanInfo(name).getOperations();
        assertTrue(Arrays.stream(ops).anyMatch(o -> o.getName().equals("switchover")
                && o.getSignature()[0].getName().equals("target")));
    }
}
