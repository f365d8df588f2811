package org.gkguardian.shell.command;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.MemberStatus;

/** Completes the names of the configured members. */
@Service
public class MemberNameCompleter implements Completer {

    @Reference
    Guardian guardian;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter(names());
        return delegate.complete(session, commandLine, candidates);
    }

    List<String> names() {
        return guardian.members().stream().map(MemberStatus::name).distinct().toList();
    }
}
