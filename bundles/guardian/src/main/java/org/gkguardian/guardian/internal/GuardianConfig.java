package org.gkguardian.guardian.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the guardian, PID {@code org.gkguardian.guardian}. */
@ObjectClassDefinition(id = GuardianConfig.PID, name = "GK Guardian: guardian",
        description = "Membership of the guardians over the internal LAN, election, quorum and lease.")
public @interface GuardianConfig {

    String PID = "org.gkguardian.guardian";

    @AttributeDefinition(name = "Node name", required = false,
            description = "This node's name, unique in the cluster; empty = node-<internal address>.")
    String node_name() default "";

    @AttributeDefinition(name = "Internal address",
            description = "This node's own address on the internal LAN (an IP literal); JGroups binds to it.")
    String internal_address() default "127.0.0.1";

    @AttributeDefinition(name = "Members",
            description = "Internal addresses of every configured member, this node included, comma-separated.")
    String members() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "TCP port of the guardians on the internal LAN; port+1 is used "
            + "for crash detection (FD_SOCK2), port+2 for the life line that sees a member's process die. The same "
            + "number on UDP carries the lease's renewals and answers as authenticated datagrams.", min = "1",
            max = "65533")
    int port() default 7800;

    @AttributeDefinition(name = "Cluster name", description = "JGroups cluster name; all members must agree.")
    String cluster_name() default "gk-guardian";

    @AttributeDefinition(name = "Cluster secret", type = AttributeType.PASSWORD, required = false,
            description = "Shared secret from which the TLS identity of the internal LAN is derived; at least 128 "
                    + "bits by length and character classes (head -c 32 /dev/urandom | base64). Required with more "
                    + "than one member or a non-loopback address. The leading dot keeps it out of the service "
                    + "properties.")
    String _cluster_secret() default "";

    @AttributeDefinition(name = "Cluster secret (old spelling)", type = AttributeType.PASSWORD, required = false,
            description = "Still read when .cluster.secret is not set, with a warning: without the dot the secret "
                    + "is published as a service property. Rename it to .cluster.secret.")
    String cluster_secret() default "";

    @AttributeDefinition(name = "Priority", description = "Higher wins the election before addresses are compared.",
            min = "0", max = "255")
    int priority() default 100;

    @AttributeDefinition(name = "Quorum policy", options = {
            @Option(value = "auto", label = "majority with 1 or 3+ members, witness for a pair with witness.address"),
            @Option(value = "majority", label = "majority of configured members"),
            @Option(value = "witness", label = "quorate while the witness answers (pairs)"),
            @Option(value = "none", label = "no quorum: the patent as written, split brain possible") })
    String quorum_policy() default "auto";

    @AttributeDefinition(name = "Witness address", required = false,
            description = "Address probed under the witness policy (the gateway or a third host).")
    String witness_address() default "";

    @AttributeDefinition(name = "Witness port", required = false,
            description = "0 = ICMP echo (TCP echo port without root); otherwise a TCP port whose answer (accept or "
                    + "refuse) counts.", min = "0", max = "65535")
    int witness_port() default 0;

    @AttributeDefinition(name = "Timing profile", options = {
            @Option(value = "default", label = "safe: 1 s heartbeat, 5 s timeout, 1.5 s verify"),
            @Option(value = "fast", label = "fast: 100 ms heartbeat, 500 ms timeout, 250 ms verify") })
    String profile() default "default";

    @AttributeDefinition(name = "Heartbeat interval (ms)", required = false, description = "0 = from the profile")
    long heartbeat_interval_ms() default 0;

    @AttributeDefinition(name = "Failure timeout (ms)", required = false, description = "0 = from the profile")
    long failure_timeout_ms() default 0;

    @AttributeDefinition(name = "Verify timeout (ms)", required = false, description = "0 = from the profile")
    long verify_timeout_ms() default 0;

    @AttributeDefinition(name = "Lease (ms)", required = false,
            description = "A master keeps its role only while a majority answered one of its renewals sent within "
                    + "this time. 0 = the profile's (fast 100 ms, default 1.5 s), or 30 % of a failure timeout set here.")
    long lease_ms() default 0;

    @AttributeDefinition(name = "Promise (ms)", required = false,
            description = "A member that answered the master votes for nobody else for this long after it last "
                    + "heard from it; a pause of the JVM longer than this releases the VIP. It must exceed the lease "
                    + "by the launcher's watchdog timeout plus its release time. 0 = the lease plus as much again, at least "
                    + "150 ms more (fast 250 ms, default 3 s).")
    long promise_ms() default 0;

    @AttributeDefinition(name = "Startup grace (ms)", required = false,
            description = "How long a starting node waits to hear every configured member before the first election "
                    + "without them; 0 = the larger of 5 s and failure timeout + verify timeout.")
    long startup_grace_ms() default 0;

    @AttributeDefinition(name = "Preempt", description = "A better member takes over from a healthy master.")
    boolean preempt() default false;

    @AttributeDefinition(name = "Preempt delay (ms)", min = "0")
    long preempt_delay_ms() default 30000;

    @AttributeDefinition(name = "History size", min = "1", max = "10000")
    int history_size() default 100;

    @AttributeDefinition(name = "Epoch file", required = false,
            description = "Where the epoch is kept; empty = ${karaf.data}/gkguardian/epoch (or the bundle data area).")
    String epoch_file() default "";
}
