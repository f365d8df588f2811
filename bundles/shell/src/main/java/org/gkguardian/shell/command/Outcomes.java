package org.gkguardian.shell.command;

import java.io.PrintStream;
import org.apache.karaf.shell.support.CommandException;
import org.gkguardian.api.OperatorResult;

/** One way for every operator command to report: success on the console, refusal as a failed command. */
final class Outcomes {

    private Outcomes() {
    }

    /**
     * Prints an accepted result; a refused one fails the command with the guardian's reason, which
     * the console prints and scripts (bin/client) see as a non-zero exit.
     */
    static Object report(String what, OperatorResult result, PrintStream out) throws CommandException {
        String message = result.message().isEmpty() ? "" : ": " + result.message();
        switch (result.outcome()) {
            case ACCEPTED -> out.println(what + " accepted" + message);
            case ALREADY_DONE -> out.println(what + ": nothing to do" + message);
            default -> throw new CommandException(what + " refused (" + label(result) + ")" + message);
        }
        return null;
    }

    private static String label(OperatorResult result) {
        return result.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
