package org.gkguardian.ipbinding.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.gkguardian.api.VipAddress;
import org.gkguardian.config.IpLiteral;
import org.gkguardian.config.RawValues;

/** Validates the whole ipbinding configuration before any of it is used. Pure: no I/O, no DNS. */
public final class ConfigValidator {

    /** Linux IFNAMSIZ less the terminating NUL. */
    static final int MAX_INTERFACE_NAME = 15;

    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9._/+-]+");

    private ConfigValidator() {
    }

    /**
     * @param properties the raw properties DS converted into {@code config}: a value that is not of its key's type
     *        (DS would silently turn it into the default) is refused
     * @param defaultStateFile used when {@code state.file} is empty
     * @throws ConfigException naming the first refused key and value
     */
    public static VipSettings validate(IpBindingConfig config, Map<String, ?> properties, Path defaultStateFile)
            throws ConfigException {
        List<RawValues.Problem> raw = RawValues.check(IpBindingConfig.class, properties);
        if (!raw.isEmpty()) {
            // Before the typed view is read: SCR throws from a method whose text it cannot convert.
            throw new ConfigException(raw.get(0).key(), raw.get(0).value(), "it is " + raw.get(0).reason());
        }
        return validate(config, defaultStateFile);
    }

    /** For tests and callers holding a typed configuration only: no raw values to check. */
    static VipSettings validate(IpBindingConfig config, Path defaultStateFile) throws ConfigException {
        List<VipAddress> vips = parseVips(config.vips());
        range("garp.count", config.garp_count(), 1, 100);
        range("garp.interval.ms", config.garp_interval_ms(), 10, 10_000);
        range("refresh.interval.s", config.refresh_interval_s(), 0, 86_400);
        range("dad.count", config.dad_count(), 1, 10);
        range("dad.interval.ms", config.dad_interval_ms(), 10, 5_000);
        range("dad.timeout.ms", config.dad_timeout_ms(), 20, 10_000);
        range("ipv6.dad.timeout.ms", config.ipv6_dad_timeout_ms(), 100, 30_000);
        range("command.timeout.ms", config.command_timeout_ms(), 100, 60_000);
        range("address.check.interval.s", config.address_check_interval_s(), 1, 3_600);
        Path stateFile = stateFile(config.state_file(), defaultStateFile);
        return new VipSettings(vips, config.garp_count(), Duration.ofMillis(config.garp_interval_ms()),
                Duration.ofSeconds(config.refresh_interval_s()), config.dad_enabled(), config.dad_count(),
                Duration.ofMillis(config.dad_interval_ms()), Duration.ofMillis(config.dad_timeout_ms()),
                Duration.ofMillis(config.ipv6_dad_timeout_ms()), Duration.ofMillis(config.command_timeout_ms()),
                stateFile, command("ip.command", config.ip_command()),
                command("arping.command", config.arping_command()), optionalCommand("na.command", config.na_command()),
                Duration.ofSeconds(config.address_check_interval_s()), config.arp_socket());
    }

    /** Entries may each hold several VIPs separated by commas or blanks (a .cfg value is one string). */
    static List<VipAddress> parseVips(String[] entries) throws ConfigException {
        List<VipAddress> vips = new ArrayList<>();
        Set<InetAddress> seen = new HashSet<>();
        if (entries == null) {
            return vips;
        }
        for (String entry : entries) {
            if (entry == null) {
                continue;
            }
            for (String item : entry.split("[,\\s]+")) {
                if (item.isEmpty()) {
                    continue;
                }
                VipAddress vip = parseVip(item);
                if (!seen.add(vip.address())) {
                    throw new ConfigException("vips", item, "the address is configured twice");
                }
                vips.add(vip);
            }
        }
        return vips;
    }

    /** {@code ADDRESS/PREFIX@INTERFACE}. */
    static VipAddress parseVip(String item) throws ConfigException {
        int at = item.lastIndexOf('@');
        int slash = item.indexOf('/');
        if (at < 0 || slash < 0 || slash > at) {
            throw new ConfigException("vips", item, "expected ADDRESS/PREFIX@INTERFACE, e.g. 203.0.113.10/24@eth1");
        }
        String addressText = item.substring(0, slash);
        String prefixText = item.substring(slash + 1, at);
        String interfaceName = item.substring(at + 1);
        InetAddress address = parseAddress(item, addressText);
        int maxPrefix = address instanceof Inet4Address ? 32 : 128;
        int prefix;
        try {
            prefix = Integer.parseInt(prefixText);
        } catch (NumberFormatException e) {
            throw new ConfigException("vips", item, "prefix length '" + prefixText + "' is not a number");
        }
        if (prefixText.startsWith("+") || prefix < 1 || prefix > maxPrefix) {
            throw new ConfigException("vips", item, "prefix length must be 1 to " + maxPrefix);
        }
        if (address instanceof Inet4Address v4 && prefix <= 30) {
            long value = IpLiteral.ipv4Value(v4);
            long hostMask = (1L << (32 - prefix)) - 1;
            if ((value & hostMask) == 0) {
                throw new ConfigException("vips", item, "it is the network address of its prefix");
            }
            if ((value & hostMask) == hostMask) {
                throw new ConfigException("vips", item, "it is the broadcast address of its prefix");
            }
        }
        String interfaceProblem = interfaceNameProblem(interfaceName);
        if (interfaceProblem != null) {
            throw new ConfigException("vips", item, "interface name '" + interfaceName + "' " + interfaceProblem);
        }
        return new VipAddress(address, prefix, interfaceName);
    }

    private static InetAddress parseAddress(String item, String text) throws ConfigException {
        InetAddress address;
        try {
            address = IpLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("vips", item, e.getMessage());
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isMulticastAddress()
                || address.isLinkLocalAddress()) {
            throw new ConfigException("vips", item, "a VIP must be a unicast address that is not unspecified, "
                    + "loopback or link-local");
        }
        if (address instanceof Inet4Address v4 && IpLiteral.ipv4Value(v4) == 0xFFFFFFFFL) {
            throw new ConfigException("vips", item, "the limited broadcast address is not a VIP");
        }
        return address;
    }

    /** Linux's dev_valid_name, plus no leading '-' so that a name can never be read as an option. */
    static String interfaceNameProblem(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.length() > MAX_INTERFACE_NAME) {
            return "is longer than " + MAX_INTERFACE_NAME + " characters";
        }
        if (name.equals(".") || name.equals("..")) {
            return "is not allowed";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7E) {
                return "contains '" + (Character.isWhitespace(c) || c < 0x21 ? "whitespace or a control character" : c)
                        + "'";
            }
        }
        if (name.startsWith("-")) {
            return "starts with '-'";
        }
        return null;
    }

    private static void range(String key, int value, int min, int max) throws ConfigException {
        if (value < min || value > max) {
            throw new ConfigException(key, Integer.toString(value), "must be " + min + " to " + max);
        }
    }

    private static String command(String key, String value) throws ConfigException {
        if (value == null || !COMMAND.matcher(value).matches() || value.startsWith("-")) {
            throw new ConfigException(key, String.valueOf(value),
                    "must be a command name or an absolute path (letters, digits, . _ / + -)");
        }
        if (value.contains("/") && !value.startsWith("/")) {
            throw new ConfigException(key, value, "a path must be absolute");
        }
        return value;
    }

    private static String optionalCommand(String key, String value) throws ConfigException {
        return value == null || value.isBlank() ? "" : command(key, value.trim());
    }

    private static Path stateFile(String value, Path defaultStateFile) throws ConfigException {
        if (value == null || value.isBlank()) {
            return defaultStateFile;
        }
        try {
            Path path = Path.of(value.trim());
            if (!path.isAbsolute()) {
                throw new ConfigException("state.file", value, "must be an absolute path");
            }
            return path;
        } catch (InvalidPathException e) {
            throw new ConfigException("state.file", value, "is not a path: " + e.getReason());
        }
    }
}
