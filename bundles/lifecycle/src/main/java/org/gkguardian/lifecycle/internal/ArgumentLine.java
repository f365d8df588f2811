package org.gkguardian.lifecycle.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a configured command into an argument array without a shell. A Karaf {@code .cfg} file can
 * only carry one string per key, so a single string is split on blanks, with double quotes keeping
 * an argument with blanks together ({@code \"} and {@code \\} escape inside quotes). A real array
 * (from a {@code .config} file or ConfigAdmin) is taken as it is.
 */
final class ArgumentLine {

    private ArgumentLine() {
    }

    static List<String> parse(String[] configured) {
        if (configured == null || configured.length == 0) {
            return List.of();
        }
        if (configured.length > 1) {
            return List.of(configured);
        }
        return split(configured[0]);
    }

    static List<String> split(String line) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArgument = false;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    current.append(line.charAt(++i));
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                inArgument = true;
            } else if (Character.isWhitespace(c)) {
                if (inArgument) {
                    args.add(current.toString());
                    current.setLength(0);
                    inArgument = false;
                }
            } else {
                current.append(c);
                inArgument = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced double quote in \"" + line + "\"");
        }
        if (inArgument) {
            args.add(current.toString());
        }
        return List.copyOf(args);
    }
}
