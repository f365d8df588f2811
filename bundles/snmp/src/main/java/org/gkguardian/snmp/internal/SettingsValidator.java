package org.gkguardian.snmp.internal;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gkguardian.config.IpLiteral;
import org.gkguardian.config.RawValues;

/**
 * Checks a whole configuration before any of it is applied. Every refusal names the key and the
 * reason; a value that holds a secret is never quoted.
 */
final class SettingsValidator {

    static final String LISTEN = "listen.addresses";
    static final String VIP_PORT = "listen.vip.port";
    static final String COMMUNITY = ".community";
    static final String USERS = ".v3.users";
    static final String TARGETS = ".notification.targets";
    static final String RETRIES = "inform.retries";
    static final String TIMEOUT = "inform.timeout.ms";
    static final String ENGINE_ID = "engine.id";

    private static final Pattern UDP_ENDPOINT = Pattern.compile("udp:(?:\\[([0-9A-Fa-f:.]+)]|([0-9.]+))/(\\d{1,5})");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e&&[^:]]+");

    /** The outcome: settings, or the problems that refused them. */
    record Result(Optional<AgentSettings> settings, List<String> problems) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    private SettingsValidator() {
    }

    static Result validate(SnmpAgentConfig config) {
        return validate(config, Map.of());
    }

    /**
     * @param properties the raw properties DS converted into {@code config}: a value that is not of its key's type
     *        (DS would silently turn it into the default) is refused
     */
    static Result validate(SnmpAgentConfig config, Map<String, ?> properties) {
        List<String> raw = RawValues.problems(SnmpAgentConfig.class, properties);
        if (!raw.isEmpty()) {
            // The typed view is not even read: SCR throws from a method whose text it cannot convert.
            return new Result(Optional.empty(), raw);
        }
        List<String> problems = new ArrayList<>();

        List<AgentSettings.Endpoint> listen = new ArrayList<>();
        String[] listenValues = entries(config.listen_addresses());
        if (listenValues.length == 0) {
            problems.add(LISTEN + ": at least one address is needed");
        }
        for (String value : listenValues) {
            parseEndpoint(value, true).ifPresentOrElse(listen::add,
                    () -> problems.add(LISTEN + ": '" + value + "' is not udp:ADDRESS/PORT with a literal address "
                            + "and a port from 1 to 65535"));
        }
        if (new HashSet<>(listen).size() != listen.size()) {
            problems.add(LISTEN + ": an address is listed twice");
        }

        int vipPort = config.listen_vip_port();
        if (vipPort < 0 || vipPort > 65535) {
            problems.add(VIP_PORT + ": " + vipPort + " is not 0 (off) or a port from 1 to 65535");
        }

        String community = config._community() == null ? "" : config._community();
        if (!community.isEmpty() && (community.length() > 64 || !PRINTABLE.matcher(community).matches())) {
            problems.add(COMMUNITY + ": must be 1 to 64 printable ASCII characters without spaces or ':'");
        }

        List<AgentSettings.User> users = new ArrayList<>();
        Set<String> userNames = new HashSet<>();
        String[] userValues = entries(config._v3_users());
        for (int i = 0; i < userValues.length; i++) {
            parseUser(userValues[i], i + 1, problems).ifPresent(user -> {
                if (!userNames.add(user.name())) {
                    problems.add(USERS + ": user '" + user.name() + "' is listed twice");
                }
                users.add(user);
            });
        }

        List<AgentSettings.Target> targets = new ArrayList<>();
        String[] targetValues = entries(config._notification_targets());
        for (int i = 0; i < targetValues.length; i++) {
            parseTarget(targetValues[i], i + 1, userNames, problems).ifPresent(targets::add);
        }

        if (config.inform_retries() < 0 || config.inform_retries() > 20) {
            problems.add(RETRIES + ": " + config.inform_retries() + " is not from 0 to 20");
        }
        if (config.inform_timeout_ms() < 100 || config.inform_timeout_ms() > 60_000) {
            problems.add(TIMEOUT + ": " + config.inform_timeout_ms() + " is not from 100 to 60000");
        }

        Optional<byte[]> engineId = Optional.empty();
        String engineHex = config.engine_id() == null ? "" : config.engine_id().trim();
        if (!engineHex.isEmpty()) {
            try {
                byte[] id = HexFormat.of().parseHex(engineHex.replace(":", ""));
                if (id.length < 5 || id.length > 32) {
                    problems.add(ENGINE_ID + ": must be 5 to 32 octets, not " + id.length);
                } else {
                    engineId = Optional.of(id);
                }
            } catch (IllegalArgumentException e) {
                problems.add(ENGINE_ID + ": '" + engineHex + "' is not hexadecimal");
            }
        }

        if (!problems.isEmpty()) {
            return new Result(Optional.empty(), List.copyOf(problems));
        }
        return new Result(Optional.of(new AgentSettings(listen, vipPort, community, users, targets,
                config.inform_retries(), config.inform_timeout_ms(), engineId, nullToEmpty(config.sys_contact()),
                nullToEmpty(config.sys_location()))), List.of());
    }

    static Optional<AgentSettings.Endpoint> parseEndpoint(String value, boolean portRequired) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = UDP_ENDPOINT.matcher(value.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        return literalAddress(m.group(1) != null ? m.group(1) : m.group(2))
                .map(address -> new AgentSettings.Endpoint(address, port));
    }

    /** A literal IPv4 or IPv6 address (the shared parser); anything else (a host name) is refused, so nothing is resolved. */
    static Optional<InetAddress> literalAddress(String text) {
        try {
            return Optional.of(IpLiteral.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<AgentSettings.User> parseUser(String value, int position, List<String> problems) {
        String where = USERS + " entry " + position;
        String[] parts = value == null ? new String[0] : value.split(":", -1);
        if (parts.length != 6) {
            problems.add(where + ": is not NAME:AUTH:AUTH-PASSPHRASE:PRIV:PRIV-PASSPHRASE:ACCESS");
            return Optional.empty();
        }
        boolean ok = true;
        String name = parts[0];
        if (!USER_NAME.matcher(name).matches()) {
            problems.add(where + ": the name must be 1 to 32 of A-Z a-z 0-9 . _ -");
            ok = false;
        }
        Optional<AgentSettings.Auth> auth = AgentSettings.Auth.of(parts[1]);
        if (auth.isEmpty()) {
            problems.add(where + ": authentication '" + parts[1] + "' is not one of SHA-224, SHA-256, SHA-384, SHA-512");
            ok = false;
        }
        Optional<AgentSettings.Priv> priv = AgentSettings.Priv.of(parts[3]);
        if (priv.isEmpty()) {
            problems.add(where + ": privacy '" + parts[3] + "' is not one of AES, AES-192, AES-256");
            ok = false;
        }
        ok &= checkPassphrase(where + ": the authentication passphrase", parts[2], problems);
        ok &= checkPassphrase(where + ": the privacy passphrase", parts[4], problems);
        String access = parts[5];
        if (!access.equals("read") && !access.equals("write")) {
            problems.add(where + ": access '" + access + "' is not read or write");
            ok = false;
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new AgentSettings.User(name, auth.get(), parts[2], priv.get(), parts[4],
                access.equals("write")));
    }

    private static boolean checkPassphrase(String what, String passphrase, List<String> problems) {
        // RFC 3414 11.2: at least 8 octets.
        if (passphrase.getBytes(StandardCharsets.UTF_8).length < 8 || passphrase.length() > 128
                || !PRINTABLE.matcher(passphrase).matches()) {
            problems.add(what + " must be 8 to 128 printable ASCII characters without spaces or ':'");
            return false;
        }
        return true;
    }

    private static Optional<AgentSettings.Target> parseTarget(String value, int position, Set<String> userNames,
            List<String> problems) {
        String where = TARGETS + " entry " + position;
        String text = value == null ? "" : value.trim();
        int firstColon = text.indexOf(':');
        int lastColon = text.lastIndexOf(':');
        if (firstColon < 0 || lastColon <= firstColon) {
            problems.add(where + ": is not KIND:ADDRESS/PORT:SECURITY");
            return Optional.empty();
        }
        Optional<AgentSettings.Kind> kind = AgentSettings.Kind.of(text.substring(0, firstColon));
        String address = text.substring(firstColon + 1, lastColon);
        String security = text.substring(lastColon + 1);
        if (kind.isEmpty()) {
            problems.add(where + ": kind '" + text.substring(0, firstColon)
                    + "' is not one of v2c-trap, v2c-inform, v3-trap, v3-inform");
            return Optional.empty();
        }
        String endpointText = address.contains(":") ? "udp:[" + address.replaceFirst("/(\\d+)$", "]/$1") : "udp:" + address;
        Optional<AgentSettings.Endpoint> endpoint = parseEndpoint(endpointText, true);
        if (endpoint.isEmpty()) {
            problems.add(where + ": '" + address + "' is not a literal ADDRESS/PORT");
            return Optional.empty();
        }
        if (kind.get().v3()) {
            if (!userNames.contains(security)) {
                problems.add(where + ": '" + security + "' is not a user of " + USERS);
                return Optional.empty();
            }
        } else if (security.isEmpty() || security.length() > 64 || !PRINTABLE.matcher(security).matches()) {
            problems.add(where + ": the community must be 1 to 64 printable ASCII characters without spaces or ':'");
            return Optional.empty();
        }
        return Optional.of(new AgentSettings.Target(kind.get(), endpoint.get(), security));
    }

    /**
     * The entries of a list key. A .cfg file gives one string, so entries may also be separated by
     * white space there; no entry can contain any (addresses, names and passphrases exclude it).
     */
    static String[] entries(String[] values) {
        if (values == null) {
            return new String[0];
        }
        return java.util.Arrays.stream(values).filter(java.util.Objects::nonNull)
                .flatMap(v -> java.util.Arrays.stream(v.trim().split("\\s+"))).filter(v -> !v.isEmpty())
                .toArray(String[]::new);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
