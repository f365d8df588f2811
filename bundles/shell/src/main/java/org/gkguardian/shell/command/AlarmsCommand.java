package org.gkguardian.shell.command;

import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.Guardian;

@Command(scope = "gkg", name = "alarms", description = "Lists the active alarms.")
@Service
public class AlarmsCommand implements Action {

    @Reference
    Guardian guardian;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No active alarms.");
        table.column("Raised");
        table.column("Severity");
        table.column("Id");
        table.column("Probable cause");
        table.column("Text");
        for (Alarm a : guardian.activeAlarms()) {
            table.addRow().addContent(Formats.instant(a.raised()), a.severity().label(), a.id(),
                    a.probableCause().label(), a.text());
        }
        table.print(out);
        return null;
    }
}
