package org.gkguardian.config;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The one check of a configuration's raw values against the types of its metatype interface, shared by every
 * bundle.
 *
 * <p>Why: Declarative Services converts the text of {@code etc/*.cfg} to the method's type before a component
 * sees it, and a text that is not of that type silently becomes the default ({@code dad.enabled = ture} is
 * false, {@code probe.interval.ms = 1O0} is the default or 0). A component therefore looks at the raw properties
 * first and refuses the configuration, naming the key and the value, before it uses the converted one.
 *
 * <p>Checked: {@code int}, {@code long} and {@code boolean} methods (and arrays of them): a whole number in the
 * type's range with an optional minus sign, or {@code true}/{@code false} in any case, surrounding white space
 * allowed. Strings are the validators' business. Pure: no I/O, no state.
 */
public final class RawValues {

    /**
     * One refused value. {@code value} is the text as configured, or empty for a secret (a key starting with a
     * dot), whose value is never repeated; {@code reason} reads after "is", e.g. "not true or false".
     */
    public record Problem(String key, String value, String reason) {
        /** {@code key: 'value' is not ...}, or {@code key: the value (a secret, not shown) is not ...}. */
        @Override
        public String toString() {
            return key + ": " + (key.startsWith(".") ? "the value (a secret, not shown)" : "'" + value + "'") + " is "
                    + reason;
        }
    }

    private RawValues() {
    }

    /** The problems of {@link #check} as {@code key: 'value' is not ...} lines. */
    public static List<String> problems(Class<?> configType, Map<String, ?> properties) {
        return check(configType, properties).stream().map(Problem::toString).toList();
    }

    /**
     * @param configType the {@code @ObjectClassDefinition} annotation interface
     * @param properties the component's properties, as DS hands them to the activate or modified method
     * @return one problem per refused key, in method-name order; empty when all values are fine
     */
    public static List<Problem> check(Class<?> configType, Map<String, ?> properties) {
        List<Problem> problems = new ArrayList<>();
        Method[] methods = configType.getDeclaredMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            Class<?> type = method.getReturnType();
            Class<?> scalar = type.isArray() ? type.getComponentType() : type;
            if (scalar != int.class && scalar != long.class && scalar != boolean.class) {
                continue;
            }
            String key = key(method.getName());
            Object value = properties == null ? null : properties.get(key);
            if (value == null) {
                continue;
            }
            for (Object element : elements(value)) {
                String problem = problem(scalar, element);
                if (problem != null) {
                    problems.add(new Problem(key, key.startsWith(".") ? "" : String.valueOf(element), problem));
                    break;
                }
            }
        }
        return problems;
    }

    /** The property key of a method of a component property type (OSGi Compendium 112.8.2.2). */
    public static String key(String methodName) {
        StringBuilder key = new StringBuilder(methodName.length());
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            char next = i + 1 < methodName.length() ? methodName.charAt(i + 1) : 0;
            if (c == '$') {
                if (next == '$') {
                    key.append('$');
                    i++;
                } else if (next == '_' && i + 2 < methodName.length() && methodName.charAt(i + 2) == '$') {
                    key.append('-');
                    i += 2;
                }
                // A single '$' stands for nothing.
            } else if (c == '_') {
                if (next == '_') {
                    key.append('_');
                    i++;
                } else {
                    key.append('.');
                }
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static List<?> elements(Object value) {
        if (value instanceof Collection<?> collection) {
            return List.copyOf(collection);
        }
        if (value.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(Array.get(value, i));
            }
            return out;
        }
        return List.of(value);
    }

    /** Null when the element is a valid value of the scalar type, otherwise what it is not. */
    private static String problem(Class<?> scalar, Object element) {
        if (scalar == boolean.class) {
            if (element instanceof Boolean) {
                return null;
            }
            String text = String.valueOf(element).trim();
            return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false") ? null : "not true or false";
        }
        long min = scalar == int.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = scalar == int.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
        String range = "a whole number from " + min + " to " + max;
        if (element instanceof Integer || element instanceof Long || element instanceof Short
                || element instanceof Byte) {
            long value = ((Number) element).longValue();
            return value < min || value > max ? "not " + range : null;
        }
        if (!(element instanceof String text)) {
            return "not a whole number";
        }
        String trimmed = text.trim();
        String digits = trimmed.startsWith("-") ? trimmed.substring(1) : trimmed;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "not a whole number";
        }
        try {
            long value = Long.parseLong(trimmed);
            return value < min || value > max ? "not " + range : null;
        } catch (NumberFormatException e) {
            return "not " + range;
        }
    }
}
