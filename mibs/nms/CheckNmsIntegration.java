import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks the generated NMS integration against GK-GUARDIAN-MIB as Net-SNMP reads it (snmptranslate, a parser
 * other than the generator's smidump): every notification has its OpenNMS event and is caught by a Zabbix trap item;
 * each event's OID and varbind positions are the MIB's; an alarm's clear resolves its raise (OpenNMS: the clear-key,
 * evaluated on a clear, equals the raise's reduction-key; Zabbix: the trigger fires on the raise, recovers on the
 * clear, and both carry the same alarm_id tag), whether snmptrapd prints OIDs by name or by number; the polled
 * items read the MIB's role, master and quorum. Fails with one line per finding.
 * Usage: {@code java CheckNmsIntegration.java MIB_DIR GENERATED_DIR}
 */
public final class CheckNmsIntegration {

    static final String UEI_BASE = "uei.opennms.org/vendor/gkguardian/traps/";
    static final String ALARM_ID = "gkgNotifyAlarmId";
    static final String SAMPLE_ID = "member-down:198.51.100.3";

    record Notification(String name, String oid, List<String> objects, String clears) {
    }

    private final List<String> findings = new ArrayList<>();
    private final Map<String, String> oids = new LinkedHashMap<>();
    private final Map<String, Notification> notifications = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java CheckNmsIntegration.java MIB_DIR GENERATED_DIR");
            System.exit(2);
        }
        CheckNmsIntegration check = new CheckNmsIntegration();
        check.readMib(Path.of(args[0]));
        check.openNms(Path.of(args[1], "GK-GUARDIAN-MIB.events.xml"));
        check.zabbix(Path.of(args[1], "gk-guardian-zabbix-template.xml"));
        if (!check.findings.isEmpty()) {
            check.findings.forEach(f -> System.err.println("ERROR: " + f));
            System.err.println("ERROR: the NMS integration does not match GK-GUARDIAN-MIB (" + check.findings.size()
                    + " findings)");
            System.exit(1);
        }
        System.out.println("NMS integration matches GK-GUARDIAN-MIB: " + check.notifications.size()
                + " notifications checked in OpenNMS events and the Zabbix template");
    }

    // ---------------------------------------------------------------- the MIB, as Net-SNMP reads it

    void readMib(Path mibDir) throws Exception {
        Matcher m = Pattern.compile("\"(\\w+)\"\\s+\"([0-9.]+)\"").matcher(snmptranslate(mibDir, "-Tz"));
        while (m.find()) {
            oids.put(m.group(1), m.group(2));
        }
        String root = oids.get("gkgNotifications");
        if (root == null) {
            throw new IllegalStateException("snmptranslate does not know GK-GUARDIAN-MIB in " + mibDir);
        }
        for (Map.Entry<String, String> e : oids.entrySet()) {
            if (e.getValue().startsWith(root + ".")) {
                String def = snmptranslate(mibDir, "-Td", "GK-GUARDIAN-MIB::" + e.getKey());
                Matcher objects = Pattern.compile("OBJECTS\\s*\\{([^}]*)\\}").matcher(def);
                Matcher clears = Pattern.compile("DESCRIPTION\\s*\"\\s*Clears (\\w+)").matcher(def);
                List<String> names = new ArrayList<>();
                if (objects.find()) {
                    for (String o : objects.group(1).split(",")) {
                        names.add(o.trim());
                    }
                }
                notifications.put(e.getKey(), new Notification(e.getKey(), e.getValue(), names,
                        clears.find() ? clears.group(1) : null));
            }
        }
        if (notifications.isEmpty()) {
            throw new IllegalStateException("GK-GUARDIAN-MIB defines no notification, as snmptranslate reads it");
        }
    }

    static String snmptranslate(Path mibDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("snmptranslate", "-M", mibDir.toString(), "-m", "GK-GUARDIAN-MIB"));
        command.addAll(List.of(args));
        Path conf = Files.createTempDirectory("gkg-snmp-conf");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SNMPCONFPATH", conf.toString());
        pb.environment().remove("MIBS");
        pb.environment().remove("MIBDIRS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        Files.deleteIfExists(conf);
        return out;
    }

    /** The value a test notification carries in a varbind: the alarm identifier, or something naming the object. */
    static String sample(String object) {
        return object.equals(ALARM_ID) ? SAMPLE_ID : "value-of-" + object;
    }

    // ---------------------------------------------------------------- OpenNMS

    void openNms(Path file) throws Exception {
        Element root = parse(file);
        Map<String, Element> events = new LinkedHashMap<>();
        for (Element event : children(root, "event")) {
            String uei = text(event, "uei");
            if (!uei.startsWith(UEI_BASE) || !notifications.containsKey(uei.substring(UEI_BASE.length()))) {
                findings.add("OpenNMS: event " + uei + " is no notification of the MIB");
                continue;
            }
            if (events.put(uei.substring(UEI_BASE.length()), event) != null) {
                findings.add("OpenNMS: two events for " + uei);
            }
        }
        for (Notification n : notifications.values()) {
            Element event = events.get(n.name());
            if (event == null) {
                findings.add("OpenNMS: no event for " + n.name());
                continue;
            }
            Map<String, String> mask = new LinkedHashMap<>();
            for (Element me : children(event, "maskelement")) {
                mask.put(text(me, "mename"), text(me, "mevalue"));
            }
            String trapOid = mask.get("id") + ".0." + mask.get("specific");
            if (!trapOid.equals("." + n.oid()) || !"6".equals(mask.get("generic"))) {
                findings.add("OpenNMS: " + n.name() + " matches " + mask + ", the MIB's OID is ." + n.oid());
            }
            List<String> listed = new ArrayList<>();
            Matcher row = Pattern.compile("<b>(\\w+)</b></td><td>%parm\\[#(\\d+)\\]%").matcher(text(event, "descr"));
            while (row.find()) {
                if (Integer.parseInt(row.group(2)) != listed.size() + 1) {
                    findings.add("OpenNMS: " + n.name() + " lists " + row.group(1) + " as parm #" + row.group(2)
                            + ", the MIB has it at " + (n.objects().indexOf(row.group(1)) + 1));
                }
                listed.add(row.group(1));
            }
            if (!listed.equals(n.objects())) {
                findings.add("OpenNMS: " + n.name() + " describes varbinds " + listed + ", the MIB's are " + n.objects());
            }
            List<Element> alarm = children(event, "alarm-data");
            boolean isAlarm = n.objects().contains(ALARM_ID);
            if (isAlarm != !alarm.isEmpty()) {
                findings.add("OpenNMS: " + n.name() + (isAlarm ? " is an alarm without alarm-data" : " has alarm-data"));
                continue;
            }
            if (!isAlarm) {
                continue;
            }
            Element data = alarm.get(0);
            String reduced = evaluate(data.getAttribute("reduction-key"), n);
            String expected = UEI_BASE + n.name() + ":node:7:" + SAMPLE_ID;
            if (!reduced.equals(expected)) {
                findings.add("OpenNMS: " + n.name() + "'s reduction key gives " + reduced + ", not " + expected);
            }
            if (n.clears() == null) {
                if (!"1".equals(data.getAttribute("alarm-type"))) {
                    findings.add("OpenNMS: the raise " + n.name() + " is not alarm-type 1");
                }
                if (notifications.values().stream().noneMatch(c -> n.name().equals(c.clears()))) {
                    findings.add("OpenNMS: the MIB has no clear for " + n.name());
                }
            } else {
                if (!"2".equals(data.getAttribute("alarm-type"))) {
                    findings.add("OpenNMS: the clear " + n.name() + " is not alarm-type 2");
                }
                String cleared = evaluate(data.getAttribute("clear-key"), n);
                String raised = UEI_BASE + n.clears() + ":node:7:" + SAMPLE_ID;
                if (!cleared.equals(raised)) {
                    findings.add("OpenNMS: " + n.name() + "'s clear key gives " + cleared + ", the reduction key of "
                            + n.clears() + " is " + raised);
                }
            }
        }
    }

    /** Evaluates an OpenNMS key as eventd would for a notification received from node 7 ("node"). */
    String evaluate(String key, Notification n) {
        String value = key.replace("%uei%", UEI_BASE + n.name()).replace("%dpname%", "node").replace("%nodeid%", "7");
        Matcher parm = Pattern.compile("%parm\\[#(\\d+)\\]%").matcher(value);
        StringBuilder out = new StringBuilder();
        while (parm.find()) {
            int i = Integer.parseInt(parm.group(1));
            parm.appendReplacement(out, i <= n.objects().size() ? sample(n.objects().get(i - 1)) : "(missing)");
        }
        parm.appendTail(out);
        return out.toString();
    }

    // ---------------------------------------------------------------- Zabbix

    void zabbix(Path file) throws Exception {
        Element root = parse(file);
        Map<String, String> polled = Map.of("gkgNodeRole", "gkg.node.role", "gkgNodeMasterName", "gkg.node.master",
                "gkgNodeQuorumState", "gkg.node.quorum");
        List<Element> items = children(root, "item");
        for (Map.Entry<String, String> p : polled.entrySet()) {
            List<Element> item = items.stream().filter(i -> text(i, "key").equals(p.getValue())).toList();
            if (item.size() != 1 || !text(item.get(0), "snmp_oid").equals(oids.get(p.getKey()) + ".0")) {
                findings.add("Zabbix: item " + p.getValue() + " must poll " + p.getKey() + ".0 = "
                        + oids.get(p.getKey()) + ".0");
            }
        }
        List<Element> traps = items.stream().filter(i -> text(i, "type").equals("SNMP_TRAP")).toList();
        for (Notification n : notifications.values()) {
            for (String received : List.of(byName(n), byNumber(n))) {
                List<Element> catching = traps.stream().filter(i -> keyPattern(text(i, "key")).matcher(received).find())
                        .toList();
                if (catching.size() != 1) {
                    findings.add("Zabbix: " + catching.size() + " trap items catch " + n.name() + " as " + received);
                    continue;
                }
                if (!n.objects().contains(ALARM_ID)) {
                    continue;
                }
                String raise = n.clears() == null ? n.name() : n.clears();
                List<Element> triggers = children(catching.get(0), "trigger");
                if (triggers.size() != 1) {
                    findings.add("Zabbix: the item catching " + n.name() + " has " + triggers.size() + " triggers");
                    continue;
                }
                Element trigger = triggers.get(0);
                boolean fires = findPattern(text(trigger, "expression")).matcher(received).find();
                boolean recovers = findPattern(text(trigger, "recovery_expression")).matcher(received).find();
                if (fires != (n.clears() == null) || recovers != (n.clears() != null)) {
                    findings.add("Zabbix: the trigger of " + raise + " " + (fires ? "fires" : "does not fire") + " and "
                            + (recovers ? "recovers" : "does not recover") + " on " + received);
                }
                if (!"TAG_VALUE".equals(text(trigger, "correlation_mode"))
                        || !"alarm_id".equals(text(trigger, "correlation_tag"))) {
                    findings.add("Zabbix: the trigger of " + raise + " does not correlate by the tag alarm_id");
                }
                String tag = children(trigger, "tag").stream().filter(t -> "alarm_id".equals(firstChildText(t, "tag")))
                        .map(t -> text(t, "value")).findFirst().orElse("");
                Matcher regsub = Pattern.compile("^\\{\\{ITEM\\.VALUE\\}\\.regsub\\(\"(.*)\", \\\\(\\d)\\)\\}$").matcher(tag);
                if (!regsub.matches()) {
                    findings.add("Zabbix: the trigger of " + raise + " has no alarm_id tag taken from the trap: " + tag);
                    continue;
                }
                Matcher id = Pattern.compile(regsub.group(1)).matcher(received);
                String got = id.find() ? id.group(Integer.parseInt(regsub.group(2))) : "(nothing)";
                if (!got.equals(SAMPLE_ID)) {
                    findings.add("Zabbix: the alarm_id tag of " + raise + " reads " + got + " from " + received);
                }
            }
        }
    }

    /** A notification as snmptrapd prints it with the MIB loaded: tab-separated varbinds, names. */
    String byName(Notification n) {
        StringBuilder s = new StringBuilder("DISMAN-EVENT-MIB::sysUpTimeInstance = Timeticks: (42) 0:00:00.42\t"
                + "SNMPv2-MIB::snmpTrapOID.0 = OID: GK-GUARDIAN-MIB::" + n.name());
        for (String o : n.objects()) {
            s.append("\tGK-GUARDIAN-MIB::").append(o).append(".0 = STRING: ").append(sample(o));
        }
        return s.toString();
    }

    /** The same without the MIB (or with -On): numeric OIDs, quoted strings. */
    String byNumber(Notification n) {
        StringBuilder s = new StringBuilder(".1.3.6.1.2.1.1.3.0 = Timeticks: (42) 0:00:00.42\t"
                + ".1.3.6.1.6.3.1.1.4.1.0 = OID: ." + n.oid());
        for (String o : n.objects()) {
            s.append("\t.").append(oids.get(o)).append(".0 = STRING: \"").append(sample(o)).append('"');
        }
        return s.toString();
    }

    static Pattern keyPattern(String key) {
        Matcher m = Pattern.compile("^snmptrap\\[\"(.*)\"\\]$").matcher(key);
        if (!m.matches()) {
            throw new IllegalStateException("not an snmptrap[\"REGEX\"] key: " + key);
        }
        return Pattern.compile(m.group(1));
    }

    static Pattern findPattern(String expression) {
        Matcher m = Pattern.compile(",\"regexp\",\"(.*)\"\\)=1$").matcher(expression);
        if (!m.find()) {
            throw new IllegalStateException("not a find(...,\"regexp\",\"REGEX\")=1 expression: " + expression);
        }
        return Pattern.compile(m.group(1));
    }

    // ---------------------------------------------------------------- XML

    static Element parse(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing: " + file);
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(file.toFile());
        return doc.getDocumentElement();
    }

    static List<Element> children(Element parent, String tag) {
        NodeList list = parent.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    static String text(Element parent, String tag) {
        List<Element> list = children(parent, tag);
        return list.isEmpty() ? "" : list.get(0).getTextContent().trim();
    }

    /** The text of a direct child (a Zabbix tag element has a child named tag too). */
    static String firstChildText(Element parent, String tag) {
        for (org.w3c.dom.Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().trim();
            }
        }
        return "";
    }

    private CheckNmsIntegration() {
    }
}
