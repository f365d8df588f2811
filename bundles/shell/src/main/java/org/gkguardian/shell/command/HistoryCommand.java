package org.gkguardian.shell.command;

import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.RoleTransition;

@Command(scope = "gkg", name = "history", description = "Lists this node's role transitions with their causes and timings, oldest first.")
@Service
public class HistoryCommand implements Action {

    @Reference
    Guardian guardian;

    @Option(name = "-n", aliases = "--last", description = "Show only the last N transitions.")
    int last;

    PrintStream out = System.out;

    @Override
    public Object execute() throws CommandException {
        if (last < 0) {
            throw new CommandException("--last must be positive, not " + last + ".");
        }
        List<RoleTransition> history = guardian.history();
        if (last > 0 && history.size() > last) {
            history = history.subList(history.size() - last, history.size());
        }
        ShellTable table = new ShellTable().emptyTableText("No role transitions yet.");
        table.column("At");
        table.column("Node");
        table.column("From");
        table.column("To");
        table.column("Epoch").alignRight();
        table.column("Cause");
        table.column("Took").alignRight();
        table.column("Master");
        table.column("Detail");
        for (RoleTransition t : history) {
            table.addRow().addContent(Formats.instant(t.at()), t.node(), t.from().label(), t.to().label(), t.epoch(),
                    t.cause().label(), Formats.duration(t.took()), Formats.orNone(t.master()),
                    Formats.orNone(t.detail()));
        }
        table.print(out);
        return null;
    }
}
