package org.gkguardian.shell.command;

import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;

@Command(scope = "gkg", name = "members", description = "Lists every configured member as this node sees it.")
@Service
public class MembersCommand implements Action {

    @Reference
    Guardian guardian;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        String master = guardian.status().master().orElse("");
        List<MemberStatus> members = guardian.members();
        ShellTable table = new ShellTable().emptyTableText("No members configured.");
        table.column("#").alignRight();
        table.column("Name");
        table.column("Address");
        table.column("Role");
        table.column("Master");
        table.column("Prio").alignRight();
        table.column("Epoch").alignRight();
        table.column("Eligible");
        table.column("Gatekeeper");
        table.column("Reachable");
        table.column("Last heard");
        for (MemberStatus m : members) {
            table.addRow().addContent(
                    m.index(),
                    m.name(),
                    Formats.address(m.internalAddress()),
                    m.role().label(),
                    m.name().equals(master) ? "*" : "",
                    m.state().map(s -> Integer.toString(s.priority())).orElse(Formats.NONE),
                    m.state().map(s -> Long.toString(s.epoch())).orElse(Formats.NONE),
                    m.state().map(MembersCommand::eligibility).orElse(Formats.NONE),
                    m.gatekeeper().label(),
                    Formats.yesNo(m.reachable()),
                    Formats.instant(m.lastHeard()));
        }
        table.print(out);
        return null;
    }

    /** Why a member cannot be elected, in one word, or "yes". */
    private static String eligibility(MemberState s) {
        if (s.eligible()) {
            return "yes";
        }
        if (s.maintenance()) {
            return "no (maintenance)";
        }
        if (!s.healthy()) {
            return "no (unhealthy)";
        }
        return "no (" + s.role().label() + ")";
    }
}
