package org.gkguardian.shell.command;

import java.io.PrintStream;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.OperatorResult;

@Command(scope = "gkg", name = "switchover", description = "Hands the master role to a member, or to the best other eligible member.")
@Service
public class SwitchoverCommand implements Action {

    @Reference
    Guardian guardian;

    @Argument(index = 0, name = "member", description = "The member to become master (name or internal address); the best other eligible member if left out.", required = false)
    @Completion(MemberNameCompleter.class)
    String member;

    PrintStream out = System.out;

    @Override
    public Object execute() throws CommandException {
        Optional<String> target = Optional.ofNullable(member).map(String::trim).filter(t -> !t.isEmpty());
        OperatorResult result = guardian.switchover(target);
        return Outcomes.report("Switchover to " + target.orElse("the best other member"), result, out);
    }
}
