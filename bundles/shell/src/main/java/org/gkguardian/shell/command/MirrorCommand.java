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
import org.apache.karaf.shell.support.table.ShellTable;
import org.gkguardian.api.MirrorControl;
import org.gkguardian.api.MirrorMemberStatus;

@Command(scope = "gkg", name = "mirror", description = "Shows each member's mirrored configuration against the master's, or pushes the master's files now.")
@Service
public class MirrorCommand implements Action {

    @Reference
    MirrorControl mirror;

    @Argument(index = 0, name = "action", description = "status (the default): every member's digest and when it last matched the master's; push: send the master's files to every backup now (on the master).", required = false)
    @Completion(value = StringsCompleter.class, values = { "status", "push" })
    String action;

    PrintStream out = System.out;

    @Override
    public Object execute() throws CommandException {
        String normalized = action == null ? "status" : action.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "status" -> status();
            case "push" -> Outcomes.report("Configuration push", mirror.push(), out);
            default -> throw new CommandException("The mirror action must be status or push, not '" + action + "'.");
        };
    }

    private Object status() {
        ShellTable table = new ShellTable().emptyTableText("No members configured.");
        table.column("#").alignRight();
        table.column("Name");
        table.column("Address");
        table.column("Master");
        table.column("Digest");
        table.column("Matches");
        table.column("Last matched");
        for (MirrorMemberStatus m : mirror.mirrorStatus()) {
            table.addRow().addContent(
                    m.index(),
                    m.name(),
                    Formats.address(m.internalAddress()),
                    m.master() ? "*" : "",
                    Formats.orNone(m.digest()),
                    Formats.yesNo(m.matches()),
                    Formats.instant(m.lastMatched()));
        }
        table.print(out);
        return null;
    }
}
