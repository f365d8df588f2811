package org.gkguardian.shell.internal.jmx;

/**
 * The guardian over JMX ({@value #OBJECT_NAME}), for hawtio and jconsole: the status of
 * {@code gkg:status}, the tables of {@code gkg:members}, {@code gkg:history} and {@code gkg:alarms}
 * as lines, and the operator commands. Only open types, so any JMX console can show it.
 */
public interface GuardianMBean {

    String OBJECT_NAME = "org.gkguardian:type=Guardian";

    String getName();

    String getInternalAddress();

    int getPriority();

    String getRole();

    String getRoleSince();

    long getEpoch();

    /** The master's name, or empty when there is none. */
    String getMaster();

    /** Each VIP as {@code 203.0.113.10/24 dev eth1 bound|not bound}. */
    String[] getVips();

    String getQuorum();

    long getLeaseMillis();

    String getGatekeeper();

    String getConfigDigest();

    long getFailoverCount();

    /** When the master last changed (ISO-8601), or empty. */
    String getLastFailover();

    String getLastFailoverCause();

    boolean isConfigured();

    /** The configuration or health problem holding the node back, or empty. */
    String getProblem();

    /** One line per configured member. */
    String[] getMembers();

    /** One line per role transition, oldest first. */
    String[] getHistory();

    /** One line per active alarm. */
    String[] getAlarms();

    /** One line per configured member: its mirrored configuration's digest and when it last matched the master's. */
    String[] getMirror();

    /**
     * Sends the master's mirrored files to every backup now (on the master only).
     *
     * @return the guardian's answer when accepted
     * @throws IllegalStateException with the guardian's reason when refused
     */
    String mirrorPush();

    /**
     * Asks for a planned switchover.
     *
     * @param target the member to become master, or empty for the best other eligible member
     * @return the guardian's answer when accepted
     * @throws IllegalStateException with the guardian's reason when refused
     */
    String switchover(String target);

    /**
     * Drains this node or brings it back.
     *
     * @return the guardian's answer when accepted
     * @throws IllegalStateException with the guardian's reason when refused
     */
    String maintenance(boolean on);
}
