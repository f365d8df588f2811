package org.gkguardian.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README's "Configuration reference" and the metatype our bundles ship must never drift: one
 * table per PID (columns key | default | meaning), the same PIDs, keys and defaults as the
 * OSGI-INF/metatype of the built bundle jars. Runs without Karaf.
 */
public class ConfigReferenceIT {

    private static final Pattern PID_TOKEN = Pattern.compile("`?(org\\.gkguardian\\.[a-z0-9][a-z0-9.-]*[a-z0-9])`?");
    private static final Set<String> NO_DEFAULT = Set.of("", "-", "\u2014", "\u2013", "(none)", "(empty)");

    @Test
    public void readmeConfigurationReferenceMatchesTheMetatypeOfEveryBundle() throws Exception {
        Path root = projectRoot();
        Map<String, Map<String, String>> meanings = new TreeMap<>();
        Map<String, Map<String, String>> shipped = metatype(root, meanings);
        Map<String, Map<String, String>> documented = readme(root.resolve("README.md"), meanings);

        assertFalse("no bundle ships a metatype designate", shipped.isEmpty());
        List<String> drift = new ArrayList<>();
        for (String pid : union(documented.keySet(), shipped.keySet())) {
            if (!documented.containsKey(pid)) {
                drift.add(pid + ": in the metatype but has no table in README.md");
                continue;
            }
            if (!shipped.containsKey(pid)) {
                drift.add(pid + ": documented in README.md but no bundle designates it");
                continue;
            }
            Map<String, String> doc = documented.get(pid);
            Map<String, String> meta = shipped.get(pid);
            for (String key : union(doc.keySet(), meta.keySet())) {
                if (!doc.containsKey(key)) {
                    drift.add(pid + ": key " + key + " is missing from README.md (default '" + meta.get(key) + "')");
                } else if (!meta.containsKey(key)) {
                    drift.add(pid + ": key " + key + " is documented but not in the metatype");
                } else if (!doc.get(key).equals(meta.get(key))) {
                    drift.add(pid + ": key " + key + " has default '" + doc.get(key) + "' in README.md but '"
                            + meta.get(key) + "' in the metatype");
                }
            }
        }
        assertTrue("README.md and the metatype differ:\n  " + String.join("\n  ", drift), drift.isEmpty());
    }

    @Test
    public void theReadmeParserReadsOneTablePerPid() {
        String readme = String.join("\n",
                "# X", "## Configuration reference", "Intro naming `org.gkguardian.nothing` outside a table.",
                "### `org.gkguardian.guardian`", "",
                "| key | default | meaning |", "|---|---|---|",
                "| `priority` | `100` | higher wins |", "| `node.name` | (none) | this node's name |", "",
                "PID `org.gkguardian.snmp` (etc/org.gkguardian.snmp.cfg):", "",
                "| Key | Default | Meaning |", "| --- | :-: | --- |", "| listen.addresses | udp:127.0.0.1/1161 | see `org.gkguardian.guardian` |",
                "#### etc/org.gkguardian.lifecycle.cfg", "| key | default | meaning |", "|-|-|-|", "| driver | none | which one |",
                "## Next section", "| `ignored` | 1 | after the section |");
        Map<String, Map<String, String>> parsed = parseReadme(readme);
        assertEquals(Map.of(
                "org.gkguardian.guardian", Map.of("priority", "100", "node.name", ""),
                "org.gkguardian.snmp", Map.of("listen.addresses", "udp:127.0.0.1/1161"),
                "org.gkguardian.lifecycle", Map.of("driver", "none")), parsed);
    }

    private static Map<String, Map<String, String>> readme(Path readme, Map<String, Map<String, String>> meanings)
            throws IOException {
        assertTrue(readme + " exists", Files.isRegularFile(readme));
        Map<String, Map<String, String>> parsed = parseReadme(Files.readString(readme));
        assertFalse("README.md has no table under \"## Configuration reference\"; from the metatype:\n"
                + tables(meanings), parsed.isEmpty());
        return parsed;
    }

    /** The tables the metatype implies, as a starting point for README.md. */
    private static String tables(Map<String, Map<String, String>> meanings) {
        StringBuilder out = new StringBuilder();
        meanings.forEach((pid, keys) -> {
            out.append("\n### `").append(pid).append("`\n\n| key | default | meaning |\n|---|---|---|\n");
            keys.forEach((key, line) -> out.append(line).append('\n'));
        });
        return out.toString();
    }

    /** Tables under "## Configuration reference", each belonging to the PID last named outside a table. */
    static Map<String, Map<String, String>> parseReadme(String text) {
        Map<String, Map<String, String>> pids = new TreeMap<>();
        boolean inSection = false;
        String pid = null;
        int keyColumn = -1;
        int defaultColumn = -1;
        int meaningColumn = -1;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("## ")) {
                inSection = line.substring(3).strip().equalsIgnoreCase("Configuration reference");
                pid = null;
                continue;
            }
            if (!inSection) {
                continue;
            }
            if (!line.startsWith("|")) {
                keyColumn = -1;
                Matcher m = PID_TOKEN.matcher(line);
                if (m.find()) {
                    // A heading may name the file (etc/<PID>.cfg) rather than the PID.
                    pid = m.group(1).endsWith(".cfg") ? m.group(1).substring(0, m.group(1).length() - 4) : m.group(1);
                }
                continue;
            }
            List<String> cells = cells(line);
            if (keyColumn < 0) {
                keyColumn = indexOf(cells, "key");
                defaultColumn = indexOf(cells, "default");
                meaningColumn = indexOf(cells, "meaning");
                if (keyColumn < 0 || defaultColumn < 0 || meaningColumn < 0) {
                    fail("a table in the configuration reference lacks a key, default or meaning column: " + line);
                }
                if (pid == null) {
                    fail("a table in the configuration reference is not preceded by its PID: " + line);
                }
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                continue;
            }
            String key = unquote(cells.get(keyColumn));
            String value = unquote(cells.get(defaultColumn));
            if (unquote(cells.get(meaningColumn)).isEmpty()) {
                fail(pid + ": key " + key + " has no meaning in README.md");
            }
            Map<String, String> keys = pids.computeIfAbsent(pid, p -> new TreeMap<>());
            if (keys.put(key, NO_DEFAULT.contains(value) ? "" : value) != null) {
                fail(pid + ": key " + key + " is documented twice");
            }
        }
        return pids;
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.endsWith("|") && row.length() > 1 ? row.length() - 1 : row.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip().replace("\\|", "|"));
        }
        return cells;
    }

    private static int indexOf(List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) {
            if (unquote(header.get(i)).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String cell) {
        String s = cell.strip();
        while (s.length() >= 2 && s.startsWith("`") && s.endsWith("`")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    /** Designated PID → AD id → default, from OSGI-INF/metatype of every bundle under bundles/. */
    private static Map<String, Map<String, String>> metatype(Path root, Map<String, Map<String, String>> meanings)
            throws Exception {
        Map<String, Map<String, String>> pids = new TreeMap<>();
        List<Path> modules;
        try (Stream<Path> dirs = Files.list(root.resolve("bundles"))) {
            modules = dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().toList();
        }
        assertFalse("no bundle modules under " + root.resolve("bundles"), modules.isEmpty());
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        for (Path module : modules) {
            try (JarFile jar = new JarFile(bundleJar(module).toFile())) {
                Map<String, Map<String, String>> ocds = new TreeMap<>();
                Map<String, Map<String, String>> rows = new TreeMap<>();
                Map<String, String> designates = new TreeMap<>();
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (!entry.getName().startsWith("OSGI-INF/metatype/") || !entry.getName().endsWith(".xml")) {
                        continue;
                    }
                    Document doc;
                    try (InputStream in = jar.getInputStream(entry)) {
                        doc = builder.parse(in);
                    }
                    for (Element ocd : elements(doc, "OCD")) {
                        Map<String, String> ads = new TreeMap<>();
                        Map<String, String> lines = new TreeMap<>();
                        for (Element ad : elements(ocd, "AD")) {
                            String id = ad.getAttribute("id");
                            ads.put(id, ad.getAttribute("default"));
                            String meaning = (ad.getAttribute("name") + ". " + ad.getAttribute("description")).strip();
                            lines.put(id, "| `" + id + "` | " + (ad.getAttribute("default").isEmpty() ? "(none)"
                                    : "`" + ad.getAttribute("default") + "`") + " | " + meaning.replace("|", "\\|") + " |");
                        }
                        ocds.put(ocd.getAttribute("id"), ads);
                        rows.put(ocd.getAttribute("id"), lines);
                    }
                    for (Element designate : elements(doc, "Designate")) {
                        String pid = designate.hasAttribute("factoryPid") ? designate.getAttribute("factoryPid")
                                : designate.getAttribute("pid");
                        for (Element object : elements(designate, "Object")) {
                            designates.put(pid, object.getAttribute("ocdref"));
                        }
                    }
                }
                designates.forEach((pid, ocd) -> {
                    assertTrue(jar.getName() + ": designate " + pid + " names a missing OCD " + ocd,
                            ocds.containsKey(ocd));
                    pids.put(pid, ocds.get(ocd));
                    meanings.put(pid, rows.get(ocd));
                });
            }
        }
        return pids;
    }

    private static List<Element> elements(Object parent, String localName) {
        NodeList nodes = parent instanceof Document d ? d.getElementsByTagNameNS("*", localName)
                : ((Element) parent).getElementsByTagNameNS("*", localName);
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    /** The jar this build made, or else the one installed in the local repository. */
    private static Path bundleJar(Path module) {
        String artifactId = "org.gkguardian." + module.getFileName();
        String version = System.getProperty("gkg.projectVersion");
        assertTrue("system property gkg.projectVersion is not set; run the tests through Maven",
                version != null && !version.isBlank());
        String file = artifactId + "-" + version + ".jar";
        Path built = module.resolve("target").resolve(file);
        if (Files.isRegularFile(built)) {
            return built;
        }
        String repository = System.getProperty("gkg.localRepository", "");
        Path installed = Path.of(repository, "org", "gkguardian", artifactId, version, file);
        if (!repository.isBlank() && Files.isRegularFile(installed)) {
            return installed;
        }
        fail("no jar of " + artifactId + ": neither " + built + " nor " + installed + "; build the bundles first");
        return null;
    }

    /** The reactor root: the directory above this module holding README.md and bundles/. */
    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("bundles"))) {
                return dir;
            }
        }
        fail("README.md and bundles/ not found above " + Path.of("").toAbsolutePath());
        return null;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
