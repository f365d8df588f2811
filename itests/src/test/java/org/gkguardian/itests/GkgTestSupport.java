package org.gkguardian.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;

/**
 * The Karaf configuration every in-container test shares. {@link #gkgAssembly} boots our own
 * distribution (gk-guardian at boot, default configuration); {@link #stockKaraf} boots the stock
 * Apache Karaf, where a test installs the feature as a user would. Every port is a free one, so that
 * test classes can run beside each other on one machine.
 */
public final class GkgTestSupport {

    private GkgTestSupport() {
    }

    /** Our distribution, as built by karaf-assembly, with the feature and its defaults at boot. */
    public static Option[] gkgAssembly(Option... extra) {
        MavenArtifactUrlReference distribution = maven().groupId("org.gkguardian").artifactId("gk-guardian-karaf")
                .type("tar.gz").versionAsInProject();
        return withCommon(distribution, "GK Guardian", extra);
    }

    /** The stock Apache Karaf distribution, nothing of ours installed. */
    public static Option[] stockKaraf(Option... extra) {
        MavenArtifactUrlReference distribution = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").versionAsInProject();
        return withCommon(distribution, "Apache Karaf", extra);
    }

    /** The mvn: URL of our features repository, as a user would add it. */
    public static String featuresRepository() {
        return "mvn:org.gkguardian/gk-guardian-features/" + requiredProperty("gkg.projectVersion") + "/xml/features";
    }

    private static Option[] withCommon(MavenArtifactUrlReference distribution, String name, Option... extra) {
        List<Option> options = new ArrayList<>();
        options.add(karafDistributionConfiguration().frameworkUrl(distribution).name(name)
                .karafVersion(requiredProperty("karaf.version")).unpackDirectory(new File("target/exam")).useDeployFolder(false));
        options.add(configureConsole().ignoreLocalConsole());
        options.add(logLevel(LogLevel.INFO));
        // Our artifacts come from the build's local repository (which may not be ~/.m2); Pax Exam's
        // own bundles are fetched into it once, from Maven Central.
        String localRepository = requiredProperty("gkg.localRepository");
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                "org.ops4j.pax.url.mvn.localRepository", localRepository));
        options.add(editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort",
                Integer.toString(freePort())));
        options.add(editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort",
                Integer.toString(freePort())));
        options.add(editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort",
                Integer.toString(freePort())));
        // The test methods run inside the container: hand them the build's version.
        options.add(editConfigurationFilePut("etc/system.properties", "gkg.projectVersion",
                requiredProperty("gkg.projectVersion")));
        options.addAll(Arrays.asList(extra));
        return options.toArray(new Option[0]);
    }

    /**
     * Polls the condition every 100 ms until it holds; fails after {@code bound}, describing the state
     * seen last. Test code in the container has no Awaitility, hence this small loop.
     */
    public static void awaitCondition(String what, Duration bound, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound.toSeconds() + " s: " + what + "; last seen: "
                        + state.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }

    /** A TCP port nobody listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static String requiredProperty(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set; run the tests through Maven");
        }
        return value;
    }
}
