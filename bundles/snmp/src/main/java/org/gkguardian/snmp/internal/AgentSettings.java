package org.gkguardian.snmp.internal;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated configuration of the agent. The records that hold secrets keep them out of
 * {@code toString()}, so that a configuration can be logged.
 */
record AgentSettings(List<Endpoint> listen, int vipPort, String community, List<User> users, List<Target> targets,
        int informRetries, int informTimeoutMs, Optional<byte[]> engineId, String contact, String location) {

    AgentSettings {
        listen = List.copyOf(listen);
        users = List.copyOf(users);
        targets = List.copyOf(targets);
        Objects.requireNonNull(community, "community");
    }

    Optional<User> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "listen=" + listen + ", vipPort=" + vipPort + ", v2c=" + (community.isEmpty() ? "off" : "on")
                + ", users=" + users + ", targets=" + targets + ", informRetries=" + informRetries
                + ", informTimeoutMs=" + informTimeoutMs
                + ", engineId=" + engineId.map(HexFormat.of()::formatHex).orElse("derived");
    }

    /** A UDP endpoint given as a literal address; never resolved through DNS. */
    record Endpoint(InetAddress address, int port) {
        Endpoint {
            Objects.requireNonNull(address, "address");
        }

        /** The form snmp4j's GenericAddress parses: {@code udp:127.0.0.1/1161}. */
        String snmp4j() {
            return "udp:" + address.getHostAddress() + "/" + port;
        }

        @Override
        public String toString() {
            return snmp4j();
        }
    }

    enum Auth {
        SHA_224("SHA-224"), SHA_256("SHA-256"), SHA_384("SHA-384"), SHA_512("SHA-512");

        final String label;

        Auth(String label) {
            this.label = label;
        }

        static Optional<Auth> of(String label) {
            for (Auth a : values()) {
                if (a.label.equalsIgnoreCase(label)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    enum Priv {
        AES_128("AES"), AES_192("AES-192"), AES_256("AES-256");

        final String label;

        Priv(String label) {
            this.label = label;
        }

        static Optional<Priv> of(String label) {
            for (Priv p : values()) {
                if (p.label.equalsIgnoreCase(label) || (p == AES_128 && "AES-128".equalsIgnoreCase(label))) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /** An SNMPv3 USM user; always authPriv. Only users with write access may SET, and only the control objects. */
    record User(String name, Auth auth, String authPassphrase, Priv priv, String privPassphrase, boolean write) {
        @Override
        public String toString() {
            return name + "(" + auth.label + "/" + priv.label + ", " + (write ? "write" : "read") + ")";
        }
    }

    enum Kind {
        V2C_TRAP, V2C_INFORM, V3_TRAP, V3_INFORM;

        static Optional<Kind> of(String label) {
            try {
                return Optional.of(valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        boolean v3() {
            return this == V3_TRAP || this == V3_INFORM;
        }

        boolean inform() {
            return this == V2C_INFORM || this == V3_INFORM;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Where notifications go; {@code security} is a community (v2c) or a user name (v3). */
    record Target(Kind kind, Endpoint endpoint, String security) {
        @Override
        public String toString() {
            return kind.label() + " to " + endpoint + (kind.v3() ? " as " + security : "");
        }
    }
}
