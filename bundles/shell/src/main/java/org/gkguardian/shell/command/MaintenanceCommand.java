package org.gkguardian.shell.command;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.gkguardian.api.Guardian;

@Command(scope = "gkg", name = "maintenance", description = "Drains this node (it gives the master role away first) or brings it back.")
@Service
public class MaintenanceCommand implements Action {

    @Reference
    Guardian guardian;

    @Argument(index = 0, name = "mode", description = "on: drain this node; off: bring it back into the election.", required = true)
    @Completion(value = StringsCompleter.class, values = { "on", "off" })
    String mode;

    PrintStream out = System.out;

    @Override
    public Object execute() throws CommandException {
        String normalized = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        boolean on = switch (normalized) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new CommandException("Maintenance mode must be on or off, not '" + mode + "'.");
        };
        return Outcomes.report("Maintenance " + normalized, guardian.maintenance(on), out);
    }
}
