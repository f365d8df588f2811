import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Generates the NMS integration of GK-GUARDIAN-MIB from the MIB itself (as {@code smidump -f xml} renders it), so
 * that it never drifts from the MIB: OpenNMS event definitions (a raise and its clear paired by the alarm identifier
 * through reduction-key and clear-key) and a Zabbix 6.0 template (role, master and quorum items, one SNMP trap item
 * per alarm with a trigger that recovers on the clear, correlated by the alarm identifier).
 *
 * <p>Which notification clears which is read from the MIB: a notification carrying gkgNotifyAlarmId is an alarm;
 * its DESCRIPTION starts with "Clears NAME" when it is the clear of NAME, otherwise it is a raise. Run by the build
 * (mibs/generate-nms.sh) with Java's source launcher: {@code java GenerateNmsIntegration.java SMIDUMP_XML OUT_DIR}.
 */
public final class GenerateNmsIntegration {

    static final String ALARM_ID = "gkgNotifyAlarmId";
    static final String UEI_BASE = "uei.opennms.org/vendor/gkguardian/traps/";
    static final String TEMPLATE = "GK Guardian by SNMP";
    static final String GROUP = "Templates/Applications";
    private static final Pattern CLEARS = Pattern.compile("^\\s*Clears (\\w+)");

    record Varbind(String name, String oid, Optional<String> enumType) {
    }

    record Notification(String name, String oid, List<Varbind> varbinds, String description,
            Optional<String> clears) {

        boolean alarm() {
            return varbinds.stream().anyMatch(v -> v.name().equals(ALARM_ID));
        }

        /** Position of a varbind from 1, as OpenNMS counts parm[#N] (after sysUpTime and snmpTrapOID). */
        int position(String varbind) {
            for (int i = 0; i < varbinds.size(); i++) {
                if (varbinds.get(i).name().equals(varbind)) {
                    return i + 1;
                }
            }
            throw new IllegalStateException(name + " carries no " + varbind);
        }

        /** The last sub-identifier, and the enterprise OpenNMS sees (the OID without ".0.N", RFC 3584). */
        String specific() {
            return oid.substring(oid.lastIndexOf('.') + 1);
        }

        String enterprise() {
            String withoutLast = oid.substring(0, oid.lastIndexOf('.'));
            if (!withoutLast.endsWith(".0")) {
                throw new IllegalStateException(name + ": a notification OID must end in .0.N: " + oid);
            }
            return "." + withoutLast.substring(0, withoutLast.length() - 2);
        }
    }

    record Mib(List<Notification> notifications, Map<String, String> scalars, Map<String, String> scalarTypes,
            Map<String, Map<Integer, String>> enums) {

        Notification notification(String name) {
            return notifications.stream().filter(n -> n.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no notification " + name + " in the MIB"));
        }

        /** The raise of each alarm with its clear, in MIB order; fails when an alarm has no clear or two. */
        Map<Notification, Notification> alarmPairs() {
            Map<Notification, Notification> pairs = new LinkedHashMap<>();
            for (Notification n : notifications) {
                if (n.alarm() && n.clears().isEmpty()) {
                    List<Notification> clears = notifications.stream()
                            .filter(c -> c.clears().filter(n.name()::equals).isPresent()).toList();
                    if (clears.size() != 1) {
                        throw new IllegalStateException("alarm " + n.name() + " needs exactly one clear, has "
                                + clears.stream().map(Notification::name).toList());
                    }
                    pairs.put(n, clears.get(0));
                }
            }
            for (Notification c : notifications) {
                if (c.clears().isPresent() && (!c.alarm() || !notification(c.clears().get()).alarm())) {
                    throw new IllegalStateException(c.name() + " clears " + c.clears().get()
                            + ": both must carry " + ALARM_ID);
                }
            }
            return pairs;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java GenerateNmsIntegration.java SMIDUMP_XML OUT_DIR");
            System.exit(2);
        }
        Mib mib = read(Path.of(args[0]));
        Path out = Files.createDirectories(Path.of(args[1]));
        Files.writeString(out.resolve("GK-GUARDIAN-MIB.events.xml"), openNms(mib), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("gk-guardian-zabbix-template.xml"), zabbix(mib), StandardCharsets.UTF_8);
        System.out.println("NMS integration of GK-GUARDIAN-MIB generated in " + out + ": "
                + mib.notifications().size() + " notifications, " + mib.alarmPairs().size() + " alarms");
    }

    static Mib read(Path smidumpXml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(smidumpXml.toFile());

        Map<String, Map<Integer, String>> enums = new LinkedHashMap<>();
        for (Element typedef : elements(doc.getDocumentElement(), "typedef")) {
            Map<Integer, String> values = new LinkedHashMap<>();
            for (Element nn : elements(typedef, "namednumber")) {
                values.put(Integer.parseInt(nn.getAttribute("number")), nn.getAttribute("name"));
            }
            if (!values.isEmpty() && !typedef.getAttribute("name").isEmpty()) {
                enums.put(typedef.getAttribute("name"), values);
            }
        }
        Map<String, String> oids = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> scalars = new LinkedHashMap<>();
        for (String kind : List.of("scalar", "column")) {
            for (Element e : elements(doc.getDocumentElement(), kind)) {
                oids.put(e.getAttribute("name"), e.getAttribute("oid"));
                NodeList type = e.getElementsByTagName("type");
                if (type.getLength() > 0) {
                    types.put(e.getAttribute("name"), ((Element) type.item(0)).getAttribute("name"));
                }
                if (kind.equals("scalar")) {
                    scalars.put(e.getAttribute("name"), e.getAttribute("oid"));
                }
            }
        }
        List<Notification> notifications = new ArrayList<>();
        for (Element n : elements(doc.getDocumentElement(), "notification")) {
            List<Varbind> varbinds = new ArrayList<>();
            for (Element o : elements(n, "object")) {
                String name = o.getAttribute("name");
                String oid = oids.get(name);
                if (oid == null) {
                    throw new IllegalStateException(n.getAttribute("name") + " carries " + name
                            + ", which the MIB does not define as a scalar or column");
                }
                varbinds.add(new Varbind(name, oid, Optional.ofNullable(types.get(name)).filter(enums::containsKey)));
            }
            String description = text(n, "description");
            Matcher m = CLEARS.matcher(description);
            notifications.add(new Notification(n.getAttribute("name"), n.getAttribute("oid"), varbinds,
                    description, m.find() ? Optional.of(m.group(1)) : Optional.empty()));
        }
        if (notifications.isEmpty()) {
            throw new IllegalStateException(smidumpXml + " defines no notification");
        }
        return new Mib(notifications, scalars, types, enums);
    }

    // ---------------------------------------------------------------- OpenNMS

    static String openNms(Mib mib) {
        Map<Notification, Notification> pairs = mib.alarmPairs();
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<!-- OpenNMS event definitions for GK-GUARDIAN-MIB, generated from the MIB by the build: do not edit.\n");
        x.append("     Put this file into $OPENNMS_HOME/etc/events/ and list it in eventconf.xml. An alarm's raise and\n");
        x.append("     its clear share the reduction key uei:node:gkgNotifyAlarmId, so the clear resolves the raise. -->\n");
        x.append("<events xmlns=\"http://xmlns.opennms.org/xsd/eventconf\">\n");
        for (Notification n : mib.notifications()) {
            x.append("  <event>\n");
            x.append("    <mask>\n");
            maskElement(x, "id", n.enterprise());
            maskElement(x, "generic", "6");
            maskElement(x, "specific", n.specific());
            x.append("    </mask>\n");
            x.append("    <uei>").append(UEI_BASE).append(n.name()).append("</uei>\n");
            x.append("    <event-label>GK-GUARDIAN-MIB defined trap event: ").append(n.name()).append("</event-label>\n");
            StringBuilder descr = new StringBuilder("<p>").append(oneLine(n.description())).append("</p><table>");
            for (int i = 0; i < n.varbinds().size(); i++) {
                descr.append("<tr><td><b>").append(n.varbinds().get(i).name()).append("</b></td><td>%parm[#")
                        .append(i + 1).append("]%</td></tr>");
            }
            descr.append("</table>");
            x.append("    <descr>").append(escape(descr.toString())).append("</descr>\n");
            StringBuilder log = new StringBuilder("<p>").append(n.name()).append(" from %parm[#1]%");
            for (int i = 1; i < n.varbinds().size(); i++) {
                log.append(' ').append(n.varbinds().get(i).name()).append("=%parm[#").append(i + 1).append("]%");
            }
            log.append("</p>");
            x.append("    <logmsg dest=\"logndisplay\">").append(escape(log.toString())).append("</logmsg>\n");
            x.append("    <severity>").append(n.clears().isPresent() ? "Normal" : n.alarm() ? "Major" : "Warning")
                    .append("</severity>\n");
            for (int i = 0; i < n.varbinds().size(); i++) {
                Optional<String> type = n.varbinds().get(i).enumType();
                if (type.isPresent()) {
                    x.append("    <varbindsdecode>\n      <parmid>parm[#").append(i + 1).append("]</parmid>\n");
                    mib.enums().get(type.get()).forEach((number, label) -> x.append("      <decode varbindvalue=\"")
                            .append(number).append("\" varbinddecodedstring=\"").append(label).append("\"/>\n"));
                    x.append("    </varbindsdecode>\n");
                }
            }
            if (n.alarm()) {
                String key = ":%dpname%:%nodeid%:%parm[#" + n.position(ALARM_ID) + "]%";
                if (n.clears().isPresent()) {
                    x.append("    <alarm-data reduction-key=\"%uei%").append(key)
                            .append("\" alarm-type=\"2\" clear-key=\"").append(UEI_BASE).append(n.clears().get())
                            .append(key).append("\" auto-clean=\"false\"/>\n");
                } else {
                    if (!pairs.containsKey(n)) {
                        throw new IllegalStateException(n.name() + " has no clear");
                    }
                    x.append("    <alarm-data reduction-key=\"%uei%").append(key)
                            .append("\" alarm-type=\"1\" auto-clean=\"false\"/>\n");
                }
            }
            x.append("  </event>\n");
        }
        x.append("</events>\n");
        return x.toString();
    }

    private static void maskElement(StringBuilder x, String name, String value) {
        x.append("      <maskelement><mename>").append(name).append("</mename><mevalue>").append(value)
                .append("</mevalue></maskelement>\n");
    }

    // ---------------------------------------------------------------- Zabbix

    /**
     * A regular expression (PCRE and java.util.regex alike, without backslashes, which Zabbix expressions would need
     * escaped) matching a notification in snmptrapd's output whether OIDs are printed by name or by number.
     */
    static String trapPattern(Notification... notifications) {
        List<String> alternatives = new ArrayList<>();
        for (Notification n : notifications) {
            alternatives.add(n.name());
            alternatives.add(n.oid().replace(".", "[.]"));
        }
        return "(" + String.join("|", alternatives) + ")([^0-9A-Za-z]|$)";
    }

    /** Extracts the alarm identifier (group 2) from snmptrapd's output, by name or by number. */
    static String alarmIdPattern(Notification n) {
        String oid = n.varbinds().get(n.position(ALARM_ID) - 1).oid().replace(".", "[.]");
        return "(" + ALARM_ID + "|" + oid + ")[.]0[^S]*STRING: [^a-z0-9]?([a-z0-9:._-]+)";
    }

    static String zabbix(Mib mib) {
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<!-- Zabbix 6.0 template for GK-GUARDIAN-MIB, generated from the MIB by the build: do not edit.\n");
        x.append("     Import it in Data collection > Templates. Trap items need Zabbix's SNMP trapper fed by snmptrapd\n");
        x.append("     (zabbix_trap_receiver.pl or SNMPTT); each alarm's trigger recovers on its clear with the same\n");
        x.append("     gkgNotifyAlarmId (event correlation by the tag alarm_id). -->\n");
        x.append("<zabbix_export>\n  <version>6.0</version>\n");
        x.append("  <groups>\n    <group>\n      <uuid>").append(uuid("group:" + GROUP)).append("</uuid>\n      <name>")
                .append(GROUP).append("</name>\n    </group>\n  </groups>\n");
        x.append("  <templates>\n    <template>\n      <uuid>").append(uuid("template:" + TEMPLATE))
                .append("</uuid>\n      <template>").append(TEMPLATE).append("</template>\n      <name>")
                .append(TEMPLATE).append("</name>\n      <description>")
                .append(escape("GK Guardian node (GK-GUARDIAN-MIB): role, master and quorum by SNMP polling; "
                        + "notifications by SNMP trap, one trigger per alarm that recovers on its clear."))
                .append("</description>\n      <groups>\n        <group>\n          <name>").append(GROUP)
                .append("</name>\n        </group>\n      </groups>\n      <items>\n");
        List<String> valueMaps = new ArrayList<>();
        polled(x, mib, "gkgNodeRole", "Role", "gkg.node.role", valueMaps);
        polled(x, mib, "gkgNodeMasterName", "Master", "gkg.node.master", valueMaps);
        polled(x, mib, "gkgNodeQuorumState", "Quorum", "gkg.node.quorum", valueMaps);
        polled(x, mib, "gkgNodeEpoch", "Epoch", "gkg.node.epoch", valueMaps);
        Map<Notification, Notification> pairs = mib.alarmPairs();
        for (Notification n : mib.notifications()) {
            if (n.clears().isPresent()) {
                continue; // its raise's item carries it
            }
            Notification clear = pairs.get(n);
            String key = "snmptrap[\"" + (clear == null ? trapPattern(n) : trapPattern(n, clear)) + "\"]";
            x.append("        <item>\n          <uuid>").append(uuid("item:" + key)).append("</uuid>\n");
            x.append("          <name>").append(escape("GK Guardian: trap " + n.name()
                    + (clear == null ? "" : " / " + clear.name()))).append("</name>\n");
            x.append("          <type>SNMP_TRAP</type>\n          <key>").append(escape(key)).append("</key>\n");
            x.append("          <delay>0</delay>\n          <history>30d</history>\n          <trends>0</trends>\n");
            x.append("          <value_type>LOG</value_type>\n");
            x.append("          <description>").append(escape(oneLine(n.description()))).append("</description>\n");
            x.append("          <tags>\n            <tag>\n              <tag>component</tag>\n              <value>")
                    .append(clear == null ? "event" : "alarm").append("</value>\n            </tag>\n          </tags>\n");
            if (clear != null) {
                String ref = "/" + TEMPLATE + "/" + key;
                x.append("          <triggers>\n            <trigger>\n");
                x.append("              <uuid>").append(uuid("trigger:" + n.name())).append("</uuid>\n");
                x.append("              <expression>").append(escape("find(" + ref + ",,\"regexp\",\""
                        + trapPattern(n) + "\")=1")).append("</expression>\n");
                x.append("              <recovery_mode>RECOVERY_EXPRESSION</recovery_mode>\n");
                x.append("              <recovery_expression>").append(escape("find(" + ref + ",,\"regexp\",\""
                        + trapPattern(clear) + "\")=1")).append("</recovery_expression>\n");
                x.append("              <correlation_mode>TAG_VALUE</correlation_mode>\n");
                x.append("              <correlation_tag>alarm_id</correlation_tag>\n");
                x.append("              <name>").append(escape("GK Guardian " + n.name()
                        + ": {{ITEM.VALUE}.regsub(\"" + alarmIdPattern(n) + "\", \\2)}")).append("</name>\n");
                x.append("              <priority>HIGH</priority>\n              <type>MULTIPLE</type>\n");
                x.append("              <manual_close>YES</manual_close>\n");
                x.append("              <description>").append(escape(oneLine(n.description()) + " Recovers on "
                        + clear.name() + " with the same gkgNotifyAlarmId.")).append("</description>\n");
                x.append("              <tags>\n                <tag>\n                  <tag>alarm_id</tag>\n");
                x.append("                  <value>").append(escape("{{ITEM.VALUE}.regsub(\"" + alarmIdPattern(n)
                        + "\", \\2)}")).append("</value>\n                </tag>\n              </tags>\n");
                x.append("            </trigger>\n          </triggers>\n");
            }
            x.append("        </item>\n");
        }
        x.append("      </items>\n      <valuemaps>\n");
        for (String type : valueMaps) {
            x.append("        <valuemap>\n          <uuid>").append(uuid("valuemap:" + type))
                    .append("</uuid>\n          <name>").append(type).append("</name>\n          <mappings>\n");
            mib.enums().get(type).forEach((number, label) -> x.append("            <mapping>\n              <value>")
                    .append(number).append("</value>\n              <newvalue>").append(label)
                    .append("</newvalue>\n            </mapping>\n"));
            x.append("          </mappings>\n        </valuemap>\n");
        }
        x.append("      </valuemaps>\n    </template>\n  </templates>\n</zabbix_export>\n");
        return x.toString();
    }

    private static void polled(StringBuilder x, Mib mib, String object, String label, String key,
            List<String> valueMaps) {
        String oid = mib.scalars().get(object);
        if (oid == null) {
            throw new IllegalStateException("the MIB has no scalar " + object);
        }
        Optional<String> enumType = Optional.ofNullable(mib.scalarTypes().get(object)).filter(mib.enums()::containsKey);
        x.append("        <item>\n          <uuid>").append(uuid("item:" + key)).append("</uuid>\n");
        x.append("          <name>GK Guardian: ").append(label).append("</name>\n");
        x.append("          <type>SNMP_AGENT</type>\n          <snmp_oid>").append(oid).append(".0</snmp_oid>\n");
        x.append("          <key>").append(key).append("</key>\n          <delay>30s</delay>\n");
        x.append("          <history>30d</history>\n");
        if (object.endsWith("Name")) {
            x.append("          <trends>0</trends>\n          <value_type>CHAR</value_type>\n");
        }
        x.append("          <description>").append(object).append(".0 of GK-GUARDIAN-MIB</description>\n");
        enumType.ifPresent(t -> {
            x.append("          <valuemap>\n            <name>").append(t).append("</name>\n          </valuemap>\n");
            valueMaps.add(t);
        });
        x.append("        </item>\n");
    }

    // ---------------------------------------------------------------- helpers

    /** A UUID of version 4's shape (which Zabbix insists on), derived from a name so every build gives the same. */
    static String uuid(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            h[6] = (byte) ((h[6] & 0x0f) | 0x40);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                s.append(String.format("%02x", h[i]));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String oneLine(String text) {
        return text.trim().replaceAll("\\s+", " ");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static List<Element> elements(Element parent, String tag) {
        NodeList list = parent.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    static String text(Element parent, String tag) {
        NodeList list = parent.getElementsByTagName(tag);
        return list.getLength() == 0 ? "" : list.item(0).getTextContent();
    }

    private GenerateNmsIntegration() {
    }
}
