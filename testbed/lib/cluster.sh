#!/usr/bin/env bash
# GK Guardian nodes on namespace hosts: each runs the Karaf assembly under the assembly's own launcher
# bin/gkg-node (watchdog + VIP release when the JVM dies) with its own etc/ and data/. Source after netns.sh.
#
#   tb_gkg_unpack                                 # the assembly, once, into $TB_WORK/karaf
#   tb_gkg_node n1 198.51.100.11 100 "MEMBERS" [PROFILE]  # write n1's etc/
#   tb_gkg_cfg n1 org.gkguardian.lifecycle "driver = foreground" ...   # more keys, any PID
#   tb_gkg_start n1; tb_gkg_wait_role n1 master 60; tb_gkg_role n1

TB_ROOT=${TB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TB_ASSEMBLY_TGZ=${TB_ASSEMBLY_TGZ:-$(ls "$TB_ROOT"/karaf-assembly/target/gk-guardian-*.tar.gz 2>/dev/null | head -1)}
TB_SECRET=${TB_SECRET:-$(head -c 32 /dev/urandom | base64)}
# The key that holds it (cluster.secret, without the dot, for a build from before the dotted key).
TB_SECRET_KEY=${TB_SECRET_KEY:-.cluster.secret}
# The agents ship with SNMPv2c off; the testbed's NMS reads with this community, configured on every node.
TB_COMMUNITY=${TB_COMMUNITY:-testbed-ro-$RANDOM}
TB_VIP=${TB_VIP:-203.0.113.10}

tb_gkg_unpack() {
    [ -f "$TB_ASSEMBLY_TGZ" ] || { echo "testbed: no assembly; build it first (mvn install -DskipTests)" >&2; return 1; }
    mkdir -p "$TB_WORK/karaf"
    tar xzf "$TB_ASSEMBLY_TGZ" -C "$TB_WORK/karaf" --strip-components=1
    TB_KARAF=$TB_WORK/karaf
}

# tb_gkg_cfg HOST PID LINE... — append configuration lines to HOST's etc/PID.cfg.
tb_gkg_cfg() {
    local host=$1 pid=$2; shift 2
    printf '%s\n' "$@" >> "$TB_WORK/$host/etc/$pid.cfg"
}

# tb_gkg_node HOST INTERNAL_ADDRESS PRIORITY MEMBERS [PROFILE]
tb_gkg_node() {
    local host=$1 address=$2 priority=$3 members=$4 profile=${5:-fast} base="$TB_WORK/$1"
    mkdir -p "$base"
    cp -r "$TB_KARAF/etc" "$base/etc"
    rm -f "$base"/etc/org.gkguardian.*.cfg
    # bin/client needs a user; the namespace's loopback is the host's own.
    printf 'karaf = karaf,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' \
        >> "$base/etc/users.properties"
    tb_gkg_cfg "$host" org.gkguardian.guardian "node.name = $host" "internal.address = $address" \
        "members = $members" "priority = $priority" "profile = $profile" "$TB_SECRET_KEY = $TB_SECRET"
    # TB_GUARDIAN_CFG="lease.ms = 100;promise.ms = 250": more lines of every node's guardian configuration, to
    # measure a setting without a build.
    if [ -n "${TB_GUARDIAN_CFG:-}" ]; then
        local extra
        IFS=';' read -ra extra <<< "$TB_GUARDIAN_CFG"
        tb_gkg_cfg "$host" org.gkguardian.guardian "${extra[@]}"
    fi
    # TB_LOG_CFG="log4j2.logger.g.name = org.gkguardian.guardian;log4j2.logger.g.level = DEBUG": more lines of every
    # node's logging configuration, to see a failover step by step.
    if [ -n "${TB_LOG_CFG:-}" ]; then
        local lines
        IFS=';' read -ra lines <<< "$TB_LOG_CFG"
        printf '%s\n' "${lines[@]}" >> "$base/etc/org.ops4j.pax.logging.cfg"
    fi
    tb_gkg_cfg "$host" org.gkguardian.ipbinding "vips = $TB_VIP/24@eth1"
    tb_gkg_cfg "$host" org.gkguardian.lifecycle "driver = none"
    tb_gkg_cfg "$host" org.gkguardian.snmp "listen.addresses = udp:127.0.0.1/1161 udp:$address/1161" \
        ".community = $TB_COMMUNITY"
}

# tb_gkg_kamailio HOST cold|warm — HOST's gatekeeper is Kamailio with the sample registrar (a copy per
# node, whose Server header names the node so the terminal can tell who answered), on the VIP.
tb_gkg_kamailio() {
    local host=$1 standby=$2 base="$TB_WORK/$1"
    command -v kamailio >/dev/null || { echo "testbed: kamailio is missing (apt-get install kamailio)" >&2; return 1; }
    sed -i "s/^server_header=.*/server_header=\"Server: gkg $host\"/" "$base/etc/kamailio/kamailio.cfg"
    mkdir -p "$base/data/kamailio"
    sed -i '/^driver = none$/d' "$base/etc/org.gkguardian.lifecycle.cfg"
    tb_gkg_cfg "$host" org.gkguardian.lifecycle "driver = foreground" "standby = $standby" \
        "start.command = $(command -v kamailio) -f $base/etc/kamailio/kamailio.cfg -DD -E -Y $base/data/kamailio -m 32 -M 4 -l udp:$TB_VIP:5060 -l udp:127.0.0.1:5060" \
        "log.prefix = kamailio" "probe.type = sip-options" "probe.address = 127.0.0.1:5060" \
        "probe.interval.ms = 500" "probe.timeout.ms = 500" "ready.timeout.ms = 10000"
}

# tb_gkg_kamailio_replicated HOST INTERNAL_ADDRESS — HOST's gatekeeper is Kamailio in warm standby with the
# sample that replicates the location table (etc/kamailio/kamailio-warm.cfg, dmq_usrloc), its DMQ peers taken
# from the guardian's member file by bin/gkg-kamailio-dmq; it also listens on the internal address for DMQ.
tb_gkg_kamailio_replicated() {
    local host=$1 address=$2 base="$TB_WORK/$1"
    command -v kamailio >/dev/null || { echo "testbed: kamailio is missing (apt-get install kamailio)" >&2; return 1; }
    mkdir -p "$base/data/kamailio"
    sed -i '/^driver = none$/d' "$base/etc/org.gkguardian.lifecycle.cfg"
    tb_gkg_cfg "$host" org.gkguardian.lifecycle "driver = foreground" "standby = warm" \
        "start.command = $TB_KARAF/bin/gkg-kamailio-dmq --members $base/data/gkguardian/members -- $(command -v kamailio) -f $TB_KARAF/etc/kamailio/kamailio-warm.cfg -DD -E -Y $base/data/kamailio -m 32 -M 4 -l udp:$TB_VIP:5060 -l udp:127.0.0.1:5060 -l udp:$address:5060" \
        "log.prefix = kamailio" "probe.type = sip-options" "probe.address = 127.0.0.1:5060" \
        "probe.interval.ms = 500" "probe.timeout.ms = 500" "ready.timeout.ms = 10000"
}

# tb_gkg_start HOST [launcher options] — the launcher runs in the background; the JVM's PID goes to
# $TB_WORK/HOST.pid once it is up (the faults act on it); the launcher writes its own to data/gkg-node.pid.
tb_gkg_start() {
    local host=$1; shift
    local base="$TB_WORK/$host" log="$TB_WORK/$host/data/log/karaf.log"
    # A restarted node starts a new log, so that its role is read from the new JVM; the old one is kept, and so is
    # the old launcher's (what it did when the JVM died: its release of the VIP, its watchdog).
    [ -f "$log" ] && mv "$log" "$log.$(date +%s%N)"
    [ -f "$base/launcher.log" ] && mv "$base/launcher.log" "$base/launcher.log.$(date +%s%N)"
    # Every collection's start and pause, and every safepoint, go to data/log/gc.log (a JVM killed in a pause shows a
    # collection's start with no end): a pause longer than the master's watchdog limit (fast profile 100 ms) gets a
    # healthy master killed by its launcher.
    tb_exec "$host" env EXTRA_JAVA_OPTS="-Xlog:gc,gc+start,safepoint:file=$base/data/log/gc.log:time,uptime ${EXTRA_JAVA_OPTS:-}" \
        "$TB_KARAF/bin/gkg-node" --karaf "$TB_KARAF" --base "$base" "$@" > "$base/launcher.log" 2>&1 &
    tb_gkg_await_jvm "$host"
}

# tb_gkg_await_jvm HOST — waits (60 s) for the JVM of HOST's launcher, just started, and writes its PID to
# $TB_WORK/HOST.pid (the faults act on it).
tb_gkg_await_jvm() {
    local host=$1 base="$TB_WORK/$1" i pid
    for ((i = 0; i < 600; i++)); do
        pid=$(tb_gkg_jvm_pid "$host")
        if [ -n "$pid" ]; then echo "$pid" > "$TB_WORK/$host.pid"; return 0; fi
        sleep 0.1
    done
    echo "testbed: $host's JVM did not start; see $base/launcher.log" >&2
    return 1
}

tb_gkg_jvm_pid() {
    local pid
    for pid in $(ip netns pids "$(tb_ns "$1")" 2>/dev/null); do
        if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] \
            && { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q "karaf.base=$TB_WORK/$1 "; then
            echo "$pid"; return 0
        fi
    done
}

# The role HOST's guardian last logged (initializing when it has logged none yet).
tb_gkg_role() {
    local log="$TB_WORK/$1/data/log/karaf.log" line
    line=$(grep -ahoE "Role [a-z]+ -> [a-z]+ on $1 " "$log" 2>/dev/null | tail -1)
    if [ -n "$line" ]; then echo "$line" | awk '{print $4}'; else echo initializing; fi
}

# tb_gkg_wait_role HOST ROLE SECONDS
tb_gkg_wait_role() {
    local host=$1 role=$2 seconds=$3 i
    for ((i = 0; i < seconds * 10; i++)); do
        [ "$(tb_gkg_role "$host")" = "$role" ] && return 0
        sleep 0.1
    done
    echo "testbed: $host did not become $role within ${seconds}s (it is $(tb_gkg_role "$host"))" >&2
    return 1
}

# tb_gkg_await_master SECONDS HOST... — waits until one of the HOSTs is master (at most SECONDS) and the others
# backups (60 s each); prints the master.
tb_gkg_await_master() {
    local seconds=$1 i h master=""; shift
    for ((i = 0; i < seconds * 10; i++)); do
        for h in "$@"; do [ "$(tb_gkg_role "$h")" = master ] && master=$h; done
        [ -n "$master" ] && break
        sleep 0.1
    done
    [ -n "$master" ] || { echo "testbed: no master among $* within ${seconds}s" >&2; return 1; }
    for h in "$@"; do
        [ "$h" = "$master" ] || tb_gkg_wait_role "$h" backup 60 || return 1
    done
    echo "$master"
}

# The host names whose eth1 holds the VIP now.
tb_gkg_vip_holders() {
    local host
    for host in "${TB_HOSTS[@]}"; do
        tb_exec "$host" ip -br addr show dev eth1 2>/dev/null | grep -q " $TB_VIP/" && printf '%s ' "$host"
    done
    return 0
}

# The hosts where a kamailio process runs now.
tb_gkg_kamailio_hosts() {
    local host pid
    for host in "${TB_HOSTS[@]}"; do
        for pid in $(ip netns pids "$(tb_ns "$host")" 2>/dev/null); do
            if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = kamailio ]; then printf '%s ' "$host"; break; fi
        done
    done
    return 0
}

# tb_sip_register HOST USER — a REGISTER from HOST's public address to USER@VIP with sipsak; prints
# the answer's status line and Server header when the answer is 200 OK, and fails otherwise.
tb_sip_register() {
    local host=$1 user=$2 out contact
    contact="sip:$user@$(tb_exec "$host" ip -4 -br addr show dev eth1 | awk '{print $3}' | cut -d/ -f1):5070"
    out=$(tb_exec "$host" sipsak -U -i -C "$contact" -s "sip:$user@$TB_VIP:5060" -vvv 2>&1) || true
    grep -q '^SIP/2.0 200 OK' <<<"$out" || return 1
    grep -E '^(SIP/2.0 200|Server:)' <<<"$out"
}

tb_mac() { tb_exec "$1" cat /sys/class/net/eth1/address; }

# "MAC=host,..." for the analysis, from the hosts given.
tb_mac_names() {
    local host out=""
    for host in "$@"; do out="$out$(tb_mac "$host")=$host,"; done
    echo "$out"
}

# Stop a node the way an operator would: SIGTERM to the launcher, which stops Karaf and releases.
tb_gkg_stop() {
    local pid; pid=$(cat "$TB_WORK/$1/data/gkg-node.pid" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
}

# tb_gkg_console HOST COMMAND — one Karaf console command on HOST's node, through bin/client; a call that has not
# returned after 60 s is ended (exit status 124), so that a session that never runs its command fails a test
# instead of holding it until the suite's timeout.
tb_gkg_console() {
    local host=$1; shift
    echo "$*" | tb_exec "$host" timeout -k 5 60 env KARAF_HOME="$TB_KARAF" KARAF_BASE="$TB_WORK/$host" \
        KARAF_ETC="$TB_WORK/$host/etc" KARAF_DATA="$TB_WORK/$host/data" \
        "$TB_KARAF/bin/client" -h 127.0.0.1 -a 8101 -u karaf -p karaf -b 2>&1 \
        | { grep -v "JAVA_HOME not set" || true; }
}

# What went wrong, for a failed test: each node's errors, role lines and launcher messages.
tb_gkg_diagnose() {
    # Runs from EXIT traps: a grep that finds nothing must not abort the cleanup that follows.
    set +e
    local host log
    for host in "${TB_HOSTS[@]}"; do
        log="$TB_WORK/$host/data/log/karaf.log"
        [ -f "$log" ] || continue
        echo "---- $host: roles, warnings and errors"
        grep -aE "Role |WARN|ERROR" "$log" | cut -c1-300 | tail -n 25
        echo "---- $host: launcher"
        tail -n 10 "$TB_WORK/$host/launcher.log" 2>/dev/null
    done
}
