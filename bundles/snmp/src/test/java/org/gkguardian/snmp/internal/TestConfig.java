package org.gkguardian.snmp.internal;

import java.lang.annotation.Annotation;

/** A typed configuration for tests, as ConfigAdmin would hand it to the component. */
record TestConfig(String[] listen_addresses, int listen_vip_port, String _community, String[] _v3_users,
        String[] _notification_targets, int inform_retries, int inform_timeout_ms, String engine_id,
        String sys_contact, String sys_location) implements SnmpAgentConfig {

    static final String WRITER = "admin:SHA-256:adminAuthPass1:AES:adminPrivPass1:write";
    static final String READER = "viewer:SHA-512:viewerAuthPass1:AES:viewerPrivPass1:read";

    static TestConfig listening(int port) {
        return new TestConfig(new String[] {"udp:127.0.0.1/" + port}, 0, "s3cret-ro", new String[] {WRITER, READER},
                new String[0], 2, 500, "", "ops@example.org", "lab");
    }

    TestConfig withTargets(String... targets) {
        return new TestConfig(listen_addresses, listen_vip_port, _community, _v3_users, targets, inform_retries,
                inform_timeout_ms, engine_id, sys_contact, sys_location);
    }

    TestConfig withVipPort(int port) {
        return new TestConfig(listen_addresses, port, _community, _v3_users, _notification_targets, inform_retries,
                inform_timeout_ms, engine_id, sys_contact, sys_location);
    }

    TestConfig withListen(String... listen) {
        return new TestConfig(listen, listen_vip_port, _community, _v3_users, _notification_targets, inform_retries,
                inform_timeout_ms, engine_id, sys_contact, sys_location);
    }

    TestConfig withCommunity(String community) {
        return new TestConfig(listen_addresses, listen_vip_port, community, _v3_users, _notification_targets,
                inform_retries, inform_timeout_ms, engine_id, sys_contact, sys_location);
    }

    TestConfig withUsers(String... users) {
        return new TestConfig(listen_addresses, listen_vip_port, _community, users, _notification_targets,
                inform_retries, inform_timeout_ms, engine_id, sys_contact, sys_location);
    }

    /** As SCR hands it over when a number's text does not convert: reading that method throws. */
    SnmpAgentConfig unconvertible(String method) {
        TestConfig typed = this;
        return (SnmpAgentConfig) java.lang.reflect.Proxy.newProxyInstance(SnmpAgentConfig.class.getClassLoader(),
                new Class<?>[] {SnmpAgentConfig.class}, (proxy, m, args) -> {
                    if (m.getName().equals(method)) {
                        throw new IllegalStateException("SCR cannot convert the value of " + method);
                    }
                    return m.invoke(typed, args);
                });
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return SnmpAgentConfig.class;
    }
}
