package org.gkguardian.snmp.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real Net-SNMP command-line tools, with GK-GUARDIAN-MIB loaded by name. */
final class NetSnmp {

    static final String V3_WRITER = "-v3 -l authPriv -u admin -a SHA-256 -A adminAuthPass1 -x AES -X adminPrivPass1";
    static final String V3_READER = "-v3 -l authPriv -u viewer -a SHA-512 -A viewerAuthPass1 -x AES -X viewerPrivPass1";
    static final String V2C = "-v2c -c s3cret-ro";

    record Result(int exitCode, String out) {
    }

    private static Path confDir;

    private NetSnmp() {
    }

    private static synchronized Path emptyConfDir() throws IOException {
        if (confDir == null) {
            confDir = Files.createTempDirectory("gkg-snmp-conf");
            confDir.toFile().deleteOnExit();
        }
        return confDir;
    }

    static Path mibDir() {
        String dir = System.getProperty("gkg.mib.dir");
        if (dir == null || !Files.isRegularFile(Path.of(dir, "GK-GUARDIAN-MIB.txt"))) {
            throw new IllegalStateException("gkg.mib.dir does not hold the MIBs (run through Maven): " + dir);
        }
        return Path.of(dir);
    }

    static String tool(String name) {
        for (String dir : new String[] {"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        throw new IllegalStateException(name + " is missing: install the Debian packages snmp and snmptrapd");
    }

    /** Runs a client tool (snmpget, snmpwalk, ...) with the MIB path, security options and arguments. */
    static Result run(String tool, String security, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tool(tool));
        command.addAll(List.of("-M", "+" + mibDir(), "-m", "+GK-GUARDIAN-MIB", "-t", "2", "-r", "1"));
        command.addAll(List.of(security.split(" ")));
        command.addAll(List.of(args));
        return exec(command);
    }

    static Result exec(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        // No configuration of this machine's user or system leaks into the test.
        Path conf = emptyConfDir();
        env.put("SNMPCONFPATH", conf.toString());
        env.put("SNMP_PERSISTENT_DIR", conf.toString());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // Net-SNMP complains on stderr about the IETF modules Debian does not ship; those lines are noise here.
        String filtered = out.lines().filter(l -> !l.startsWith("Cannot find module") && !l.startsWith("MIB search path")
                && !l.startsWith("Did not find"))
                .reduce("", (a, b) -> a + b + "\n");
        return new Result(p.exitValue(), filtered);
    }
}
