package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.gkguardian.config.IpLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks a configuration as a whole before anything of it is applied. Pure, apart from drawing a random secret. */
final class SettingsValidator {

    static final String SECRET_KEY = ".cluster.secret";
    static final int MIN_SECRET_BITS = 128;
    static final String GENERATOR = "head -c 32 /dev/urandom | base64";
    private static final Logger LOG = LoggerFactory.getLogger(SettingsValidator.class);
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private SettingsValidator() {
    }

    static Settings validate(GuardianConfig c) throws InvalidConfigurationException {
        InetAddress self = ipLiteral("internal.address", c.internal_address());
        List<InetAddress> members = members(c.members());
        if (!members.contains(self)) {
            throw new InvalidConfigurationException("members",
                    "must include this node's internal.address " + self.getHostAddress());
        }
        String name = trim(c.node_name());
        if (name.isEmpty()) {
            name = "node-" + self.getHostAddress().replace(':', '-');
        } else if (!NODE_NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException("node.name",
                    "'" + name + "' is not a name of letters, digits, '.', '_' or '-' (at most 64)");
        }
        if (c.port() < 1 || c.port() > 65533) {
            throw new InvalidConfigurationException("port", c.port() + " is not in 1..65533 (port+1 and port+2 are used too)");
        }
        String clusterName = trim(c.cluster_name());
        if (!NODE_NAME.matcher(clusterName).matches()) {
            throw new InvalidConfigurationException("cluster.name", "'" + clusterName + "' is not a valid name");
        }
        if (c.priority() < 0 || c.priority() > 255) {
            throw new InvalidConfigurationException("priority", c.priority() + " is not in 0..255");
        }

        String dotted = c._cluster_secret() == null ? "" : c._cluster_secret();
        String undotted = c.cluster_secret() == null ? "" : c.cluster_secret();
        String secretKey = dotted.isEmpty() && !undotted.isEmpty() ? "cluster.secret" : SECRET_KEY;
        if (!dotted.isEmpty() && !undotted.isEmpty() && !dotted.equals(undotted)) {
            throw new InvalidConfigurationException("cluster.secret",
                    "differs from " + SECRET_KEY + "; keep only " + SECRET_KEY);
        }
        if (dotted.isEmpty() && !undotted.isEmpty()) {
            LOG.warn("{}: the key cluster.secret (without the leading dot) is published as a service property, "
                    + "readable by every bundle; rename it to {}", GuardianConfig.PID, SECRET_KEY);
        }
        String secret = dotted.isEmpty() ? undotted : dotted;
        boolean generated = false;
        if (secret.isEmpty()) {
            if (members.size() > 1 || !self.isLoopbackAddress()) {
                throw new InvalidConfigurationException(SECRET_KEY, "is required when there is more than one "
                        + "member or the internal address is not loopback; set the same secret on every node ("
                        + GENERATOR + ")");
            }
            // A lone loopback node needs no shared secret, but must still keep everybody else out.
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            secret = Base64.getEncoder().encodeToString(random);
            generated = true;
        } else if (secretBits(secret) < MIN_SECRET_BITS) {
            throw new InvalidConfigurationException(secretKey, String.format(Locale.ROOT, "is too weak to resist an "
                    + "offline guess (about %d bits by its length and character classes, %d needed); generate one "
                    + "with: %s", (int) secretBits(secret), MIN_SECRET_BITS, GENERATOR));
        }

        Optional<InetAddress> witness = trim(c.witness_address()).isEmpty() ? Optional.empty()
                : Optional.of(ipLiteral("witness.address", c.witness_address()));
        if (c.witness_port() < 0 || c.witness_port() > 65535) {
            throw new InvalidConfigurationException("witness.port", c.witness_port() + " is not in 0..65535");
        }
        QuorumPolicy policy = policy(c.quorum_policy(), members.size(), witness);

        String profile = trim(c.profile()).toLowerCase(Locale.ROOT);
        Timings base = switch (profile) {
            case "default" -> Timings.DEFAULT_PROFILE;
            case "fast" -> Timings.FAST_PROFILE;
            default -> throw new InvalidConfigurationException("profile", "'" + profile + "' is not default or fast");
        };
        Timings timings = timings(base, c);

        if (c.preempt_delay_ms() < 0) {
            throw new InvalidConfigurationException("preempt.delay.ms", "must not be negative");
        }
        if (c.history_size() < 1 || c.history_size() > 10000) {
            throw new InvalidConfigurationException("history.size", c.history_size() + " is not in 1..10000");
        }
        Optional<Path> epochFile;
        try {
            epochFile = trim(c.epoch_file()).isEmpty() ? Optional.empty() : Optional.of(Path.of(trim(c.epoch_file())));
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException("epoch.file", "is not a valid path");
        }
        long grace = pick("startup.grace.ms", c.startup_grace_ms(),
                Math.max(5000, timings.failureTimeoutMs() + timings.verifyTimeoutMs()));
        return new Settings(name, self, members, c.port(), clusterName, secret, generated, c.priority(), policy,
                witness, c.witness_port(), profile, timings, c.preempt(), c.preempt_delay_ms(), c.history_size(),
                epochFile, grace);
    }

    private static QuorumPolicy policy(String value, int memberCount, Optional<InetAddress> witness)
            throws InvalidConfigurationException {
        String v = trim(value).toLowerCase(Locale.ROOT);
        switch (v) {
            case "auto":
                if (memberCount == 2) {
                    if (witness.isPresent()) {
                        return QuorumPolicy.WITNESS;
                    }
                    throw new InvalidConfigurationException("quorum.policy", "a pair cannot fail over under a "
                            + "majority; set witness.address (policy witness) or quorum.policy=none explicitly");
                }
                return QuorumPolicy.MAJORITY;
            case "majority":
                return QuorumPolicy.MAJORITY;
            case "witness":
                if (witness.isEmpty()) {
                    throw new InvalidConfigurationException("witness.address", "is required by quorum.policy=witness");
                }
                return QuorumPolicy.WITNESS;
            case "none":
                return QuorumPolicy.NONE;
            default:
                throw new InvalidConfigurationException("quorum.policy",
                        "'" + v + "' is not auto, majority, witness or none");
        }
    }

    private static Timings timings(Timings base, GuardianConfig c) throws InvalidConfigurationException {
        long hb = pick("heartbeat.interval.ms", c.heartbeat_interval_ms(), base.heartbeatMs());
        long timeout = pick("failure.timeout.ms", c.failure_timeout_ms(), base.failureTimeoutMs());
        long verify = pick("verify.timeout.ms", c.verify_timeout_ms(), base.verifyTimeoutMs());
        if (hb < 20) {
            throw new InvalidConfigurationException("heartbeat.interval.ms", hb + " is below 20");
        }
        if (timeout < 2 * hb) {
            throw new InvalidConfigurationException("failure.timeout.ms",
                    timeout + " must be at least twice heartbeat.interval.ms (" + hb + ")");
        }
        long lease = pick("lease.ms", c.lease_ms(), Timings.defaultLeaseMs(base, timeout));
        if (lease < 60) {
            throw new InvalidConfigurationException("lease.ms", lease + " is below 60 (six renewals of 10 ms)");
        }
        if (lease > timeout) {
            throw new InvalidConfigurationException("lease.ms",
                    lease + " must not exceed failure.timeout.ms (" + timeout + ")");
        }
        long promise = pick("promise.ms", c.promise_ms(), Timings.defaultPromiseMs(lease));
        if (promise < lease + lease / 3) {
            // The difference covers the launcher's watchdog and release and a late tick of the master.
            throw new InvalidConfigurationException("promise.ms",
                    promise + " must exceed lease.ms (" + lease + ") by at least a third of it");
        }
        return new Timings(hb, timeout, verify, lease, promise);
    }

    private static long pick(String key, long configured, long fallback) throws InvalidConfigurationException {
        if (configured < 0) {
            throw new InvalidConfigurationException(key, "must not be negative");
        }
        return configured == 0 ? fallback : configured;
    }

    private static List<InetAddress> members(String value) throws InvalidConfigurationException {
        List<InetAddress> out = new ArrayList<>();
        for (String part : trim(value).split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            InetAddress a = ipLiteral("members", part);
            if (out.contains(a)) {
                throw new InvalidConfigurationException("members", a.getHostAddress() + " is listed twice");
            }
            out.add(a);
        }
        if (out.isEmpty()) {
            throw new InvalidConfigurationException("members", "is empty");
        }
        return out;
    }

    /**
     * An upper bound of the secret's entropy as an attacker who knows its shape would see it: length times log2 of
     * the size of the character classes it uses (26 lower case, 26 upper case, 10 digits, 33 for anything else),
     * and no credit at all for a secret of fewer than 8 distinct characters ("aaaa...", "abababab..."). 32 random
     * bytes in base64 score about 290 bits, 16 random bytes in hex about 165.
     */
    static double secretBits(String secret) {
        int pool = 0;
        pool += secret.chars().anyMatch(ch -> ch >= 'a' && ch <= 'z') ? 26 : 0;
        pool += secret.chars().anyMatch(ch -> ch >= 'A' && ch <= 'Z') ? 26 : 0;
        pool += secret.chars().anyMatch(ch -> ch >= '0' && ch <= '9') ? 10 : 0;
        pool += secret.chars().anyMatch(ch -> !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z')
                && !(ch >= '0' && ch <= '9')) ? 33 : 0;
        if (secret.chars().distinct().count() < 8) {
            return 0;
        }
        return secret.codePointCount(0, secret.length()) * (Math.log(pool) / Math.log(2));
    }

    /** Parses an IP literal with the shared strict parser (never a name lookup); no wildcard or multicast. */
    static InetAddress ipLiteral(String key, String value) throws InvalidConfigurationException {
        InetAddress a;
        try {
            a = IpLiteral.parse(trim(value));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, e.getMessage());
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            throw new InvalidConfigurationException(key, "'" + trim(value) + "' is a wildcard or multicast address");
        }
        return a;
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
