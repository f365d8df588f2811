package org.gkguardian.snmp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.gkguardian.snmp", name = "GK Guardian SNMP agent",
        description = "The SNMP agent serving GK-GUARDIAN-MIB and sending its notifications.")
public @interface SnmpAgentConfig {

    // Keys that hold secrets start with a dot (a leading '_' in the method name): DS keeps such
    // private properties out of the GuardianListener service registration, where anyone could read them.

    @AttributeDefinition(name = "Listen addresses",
            description = "UDP endpoints the agent listens on, as udp:ADDRESS/PORT (IPv6 as udp:[ADDRESS]/PORT).")
    String[] listen_addresses() default {"udp:127.0.0.1/1161"};

    @AttributeDefinition(name = "Listen on the VIP",
            description = "Also answer on every VIP while it is bound on this node, on this port (0: off).")
    int listen_vip_port() default 0;

    @AttributeDefinition(name = "Read-only community",
            description = "SNMPv2c community with read access to the whole MIB; empty (the default) leaves SNMPv2c "
                    + "off.",
            type = AttributeType.PASSWORD)
    String _community() default "";

    @AttributeDefinition(name = "SNMPv3 users",
            description = "NAME:AUTH:AUTH-PASSPHRASE:PRIV:PRIV-PASSPHRASE:ACCESS with AUTH one of SHA-224, SHA-256, "
                    + "SHA-384, SHA-512, PRIV one of AES, AES-192, AES-256, ACCESS read or write. Passphrases: 8 "
                    + "characters at least, no ':'.",
            type = AttributeType.PASSWORD)
    String[] _v3_users() default {};

    @AttributeDefinition(name = "Notification targets",
            description = "KIND:ADDRESS/PORT:SECURITY with KIND one of v2c-trap, v2c-inform, v3-trap, v3-inform, "
                    + "SECURITY the community (v2c) or the name of a configured SNMPv3 user (v3).",
            type = AttributeType.PASSWORD)
    String[] _notification_targets() default {};

    @AttributeDefinition(name = "INFORM retries", description = "Retransmissions of an unacknowledged INFORM.")
    int inform_retries() default 3;

    @AttributeDefinition(name = "INFORM timeout", description = "Milliseconds to wait for an INFORM's acknowledgement.")
    int inform_timeout_ms() default 1500;

    @AttributeDefinition(name = "Engine ID",
            description = "snmpEngineID in hexadecimal (5 to 32 octets); empty derives it from the node name.")
    String engine_id() default "";

    @AttributeDefinition(name = "sysContact")
    String sys_contact() default "";

    @AttributeDefinition(name = "sysLocation")
    String sys_location() default "";
}
