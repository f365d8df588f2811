package org.gkguardian.shell.command;

import java.io.PrintStream;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.VipStatus;

@Command(scope = "gkg", name = "status", description = "Shows this node's role, epoch, master, VIPs, quorum, lease and gatekeeper.")
@Service
public class StatusCommand implements Action {

    @Reference
    Guardian guardian;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        NodeStatus s = guardian.status();
        line("Node", s.name() + " (" + Formats.address(s.internalAddress()) + ", priority " + s.priority() + ")");
        line("Role", s.role().label() + " since " + Formats.instant(s.roleSince()));
        line("Epoch", Long.toString(s.epoch()));
        line("Master", s.master().map(m -> m + s.masterAddress().map(a -> " (" + Formats.address(a) + ")").orElse(""))
                .orElse("none"));
        line("VIPs", s.vips().isEmpty() ? "none configured"
                : s.vips().stream().map(StatusCommand::vip).collect(Collectors.joining(", ")));
        line("Quorum", s.quorum().label());
        line("Lease", Formats.duration(s.lease()));
        line("Gatekeeper", s.gatekeeper().label());
        line("Config digest", Formats.orNone(s.configDigest()));
        line("Failovers", s.failoverCount() + s.lastFailover().map(at -> ", last at " + Formats.instant(at)
                + s.lastFailoverCause().map(c -> " (" + c.label() + ")").orElse("")).orElse(""));
        line("Configured", Formats.yesNo(s.configured()));
        line("Problem", s.problem().isEmpty() ? "none" : s.problem());
        return null;
    }

    private static String vip(VipStatus v) {
        return v.vip() + (v.bound() ? " bound" : " not bound") + (v.detail().isEmpty() ? "" : " (" + v.detail() + ")");
    }

    private void line(String label, String value) {
        out.printf("%-14s %s%n", label, value);
    }
}
