#!/usr/bin/env bash
# The failover benchmark: the same faults against keepalived (VRRPv3, advert_int 1 and 0.1) and GK
# Guardian (default and fast profiles, Kamailio in cold or warm standby) on the same namespace topology, in
# one run. Run as root after a build (./gkg test, or mvn install -DskipTests). Prints the table, writes a
# PNG timeline per run, and never decides anything by timing: it measures.
#
#   testbed/bench.sh [--runs N] [--out DIR] [--systems "keepalived-1 keepalived-0.1 gkg-default gkg-fast"]
#                    [--settle-seconds S] [--lan-rto-min MS]
#                    [--scenarios "kill-9 sigstop link-down partition loss flap switchover"]
#                    [--stress-seconds S] [--stress-systems "gkg-default"] [--keep] [--footprint yes|no]
#                    [--one-link]
#
# Hosts: n1..n3 (internal LAN 198.51.100.11-13 on eth0, public side 203.0.113.11-13 on eth1; with --one-link both
# on eth1, one interface per host on one switch, where the LAN's faults hit the public side too), a terminal
# (203.0.113.100) whose prober asks for the VIP 203.0.113.10 every 10 ms by ARP (and SIP OPTIONS where a
# gatekeeper runs) and records who answers, and an NMS (198.51.100.200) that runs snmptrapd (INFORMs from
# every guardian) and a watcher reading every node's gkgNodeRole over SNMP every ~250 ms.
#
# Systems: keepalived-ADVERT_INT, and gkg-PROFILE with Kamailio in cold standby (started on the master only,
# so a new owner includes Kamailio's start) or gkg-PROFILE-warm (every node's Kamailio runs, listening on
# the VIP with ip_free_bind; only the address moves, like keepalived: the like-for-like comparison).
#
# Scenarios, each hitting the current VIP owner at a random point of the heartbeat / advert cycle:
#   kill-9      the guardian JVM (or keepalived) is killed
#   sigstop     the process is stopped, and continued 8 s later (the heal)
#   link-down   the owner's LAN cable is pulled, and plugged back 8 s later
#   partition   nftables on the owner drops everything to and from the other nodes, lifted 8 s later
#   loss        25% of the owner's LAN packets dropped at random, both ways, for 8 s (nftables: this kernel
#               has no sch_netem for tc netem delay); no failover is the right answer
#   flap        the owner's LAN cable goes down 0.3 s / up 0.7 s, five times
#   switchover  a planned switchover by SNMP SET (gkgControlAction = switchover) at the owner's agent;
#               GK Guardian only, keepalived has no such control
# Per run: the terminal's longest ARP (and SIP) outage, time to a new owner, requests two hosts answered,
# owner changes, time from the heal to a single owner (terminal) and to one agreed master (NMS).
# Per system: RSS and idle CPU per node, notifications sent and lost, and with --stress-seconds the
# VIP owner changes while stress-ng saturates both cores (false failovers).
# --lan-rto-min MS sets the TCP retransmission floor of every node's internal LAN route (Linux's is 200 ms): the
# guardians' channel rides TCP, and a lost segment stalls the stream for at least that long (a lease is 100 ms in
# the fast profile); the lease renewals and answers also travel as UDP datagrams, which it does not affect.
# The load average is printed before every cell (DIR/load.txt). A cluster that has no single VIP owner within
# --settle-seconds (default 30) before or after a run is reported as not settled (DIR/unsettled.txt, in the
# table), restarted, and the benchmark goes on.
# First, unless --footprint no, the footprint benchmark (testbed/bench-footprint.sh: RSS, PSS, heap, threads
# and idle CPU per node and profile, start-to-role times, keepalived as the yardstick) into DIR/footprint.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/faults.sh"
source "$here/lib/keepalived.sh"
source "$here/lib/cluster.sh"

runs=5
out=$here/target/bench
systems="keepalived-1 keepalived-0.1 gkg-default gkg-fast"
scenarios="kill-9 sigstop link-down partition loss flap switchover"
stress_seconds=0
stress_systems="gkg-default"
keep=no
footprint=yes
settle_seconds=30
lan_rto_min=""
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --systems) systems=$2; shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --stress-seconds) stress_seconds=$2; shift 2 ;;
        --stress-systems) stress_systems=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        --footprint) footprint=$2; shift 2 ;;
        --settle-seconds) settle_seconds=$2; shift 2 ;;
        --lan-rto-min) lan_rto_min=$2; shift 2 ;;
        --one-link) TB_ONE_LINK=yes; TB_LAN_IF=eth1; shift ;;
        *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
for tool in keepalived arping java snmpget snmpset snmptrapd nft tc kamailio; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (./gkg test installs it)" >&2; exit 1; }
done
[ "$stress_seconds" = 0 ] || command -v stress-ng >/dev/null \
    || { echo "bench: stress-ng is missing (apt-get install stress-ng)" >&2; exit 1; }
for system in $systems; do
    case $system in
        keepalived-*|gkg-default|gkg-fast|gkg-default-warm|gkg-fast-warm) ;;
        *) echo "bench: unknown system '$system' (keepalived-ADVERT_INT, gkg-default, gkg-fast, gkg-default-warm, gkg-fast-warm)" >&2; exit 2 ;;
    esac
done
JAR="$here/target/gk-guardian-testbed.jar"
[ -f "$JAR" ] || { echo "bench: build first ($JAR missing)" >&2; exit 1; }
mkdir -p "$out"
: > "$out/results.csv"
: > "$out/phases.csv"
: > "$out/resources.txt"
: > "$out/merges.csv"
: > "$out/load.txt"
: > "$out/unsettled.txt"
if [ "$footprint" = yes ]; then "$here/bench-footprint.sh" --out "$out/footprint"; fi
members=198.51.100.11,198.51.100.12,198.51.100.13
nms=198.51.100.200
# GK-GUARDIAN-MIB by number, so that no MIB parsing runs in the watcher's loop.
OID_ROLE=.1.3.6.1.4.1.99999.1.1.2.0
OID_CONTROL_TARGET=.1.3.6.1.4.1.99999.1.4.1.0
OID_CONTROL_ACTION=.1.3.6.1.4.1.99999.1.4.2.0
V3_ADMIN=(-v3 -l authPriv -u benchadmin -a SHA-256 -A benchAuthPass1 -x AES -X benchPrivPass1)

# gkg-fast-warm -> fast; gkg-default -> default.
profile_of() { local p=${1#gkg-}; echo "${p%-warm}"; }
standby_of() { if [[ $1 == *-warm ]]; then echo warm; else echo cold; fi; }

# The one host that holds the VIP, within --settle-seconds; fails (and says who holds it) when there is none or
# more than one by then, so that the caller reports the run as not settled instead of waiting forever.
wait_single_owner() {
    local h deadline=$((SECONDS + settle_seconds))
    while :; do
        h=$(tb_gkg_vip_holders)
        if [ "$(echo "$h" | wc -w)" = 1 ]; then echo "${h% }"; return 0; fi
        [ "$SECONDS" -lt "$deadline" ] || break
        sleep 0.1
    done
    echo "bench: no single VIP owner after ${settle_seconds} s (holders: '${h% }')" >&2
    return 1
}

# HOST's last quorum event in its current log: lost, regained, or none.
quorum_state() {
    local line
    line=$(grep -ahoE "quorum-(lost|regained) on $1[ :]" "$TB_WORK/$1/data/log/karaf.log" 2>/dev/null | tail -1)
    case $line in quorum-lost*) echo lost ;; quorum-regained*) echo regained ;; *) echo none ;; esac
}

# Every guardian is master or backup and none is cut off from the quorum (a healed partition is merged
# back), and one host holds the VIP: the cluster is ready for the next fault. Fails when it is not so after
# 120 s (roles) and --settle-seconds (the owner).
wait_ready() {
    local system=$1 host i role ready
    if [[ $system == gkg-* ]]; then
        for ((i = 0; i < 1200; i++)); do
            ready=yes
            for host in n1 n2 n3; do
                # A dead node's log still names its last role: it is started again (and reported).
                [ -d "/proc/$(tb_main_pid "$host")" ] || { revive "$system" "${scenario:-start}" "${run:-0}" none; ready=no; break; }
                role=$(tb_gkg_role "$host")
                [ "$role" = master ] || [ "$role" = backup ] || ready=no
                [ "$(quorum_state "$host")" != lost ] || ready=no
            done
            [ "$ready" = yes ] && break
            sleep 0.1
        done
        if [ "$ready" != yes ]; then
            echo "bench: cluster not whole after 120 s: $(for h in n1 n2 n3; do printf '%s=%s/quorum-%s ' "$h" "$(tb_gkg_role "$h")" "$(quorum_state "$h")"; done)" >&2
            return 1
        fi
    fi
    wait_single_owner > /dev/null
}

# Milliseconds from the heal (µs) to HOST's first quorum-regained after it: the healed node is part of
# the cluster again. "-" if it logged none (it never lost quorum, or it was restarted).
merged_after_ms() {
    local host=$1 heal=$2 line us
    while read -r line; do
        us=$(( $(date -d "$(echo "${line:0:23}" | tr T ' ' | tr , .)" +%s%N) / 1000 ))
        if [ "$us" -ge "$heal" ]; then echo $(( (us - heal) / 1000 )); return; fi
    done < <(grep -ah "quorum-regained on $host " "$TB_WORK/$host/data/log/karaf.log" 2>/dev/null)
    echo -
}

start_system() {
    local system=$1 i
    case $system in
        keepalived-*)
            for i in 1 2 3; do tb_keepalived_start "n$i" $((100 + i)) "${system#keepalived-}"; done ;;
        gkg-*)
            for i in 1 2 3; do
                tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" "$(profile_of "$system")"
                tb_gkg_kamailio "n$i" "$(standby_of "$system")"
                tb_gkg_cfg "n$i" org.gkguardian.snmp ".notification.targets = v2c-inform:$nms/162:public" \
                    ".v3.users = benchadmin:SHA-256:benchAuthPass1:AES:benchPrivPass1:write"
            done
            start_nms
            for i in 1 2 3; do tb_gkg_start "n$i"; done ;;
    esac
    wait_ready "$system" || restart_system "$system" "did not settle after its start"
}

# A cluster that did not settle: say so, stop every node the way an operator would and start it again. The
# benchmark goes on either way (the next run reports what it finds).
restart_system() {
    local system=$1 why=$2 i
    echo "bench: $system $why; restarting every node" >&2
    case $system in
        keepalived-*)
            for i in 1 2 3; do
                tb_keepalived_kill9 "n$i"
                tb_exec "n$i" ip addr del "$TB_VIP/24" dev eth1 2>/dev/null || true
                tb_keepalived_start "n$i" $((100 + i)) "${system#keepalived-}" || true
            done ;;
        gkg-*)
            for i in 1 2 3; do
                tb_fault_heal "n$i"; tb_fault_loss_clear "n$i"; tb_link_up "n$i"
                tb_fault_cont "n$i" 2>/dev/null || true
                tb_gkg_stop "n$i"
            done
            for i in 1 2 3; do tb_gkg_start "n$i" || true; done ;;
    esac
    wait_ready "$system" || echo "bench: $system did not settle after a restart either" >&2
}

# The NMS: snmptrapd acknowledging the guardians' INFORMs, and the role watcher.
start_nms() {
    printf 'authCommunity log public\n' > "$TB_WORK/snmptrapd.conf"
    tb_exec nms snmptrapd -f -m "" -On -C -c "$TB_WORK/snmptrapd.conf" -F 'TRAP %b %v\n' -Lf "$TB_WORK/traps.log" \
        "udp:$nms:162" > /dev/null 2>&1 &
    cat > "$TB_WORK/watch.sh" <<WATCH
while :; do
    t=\$(( \$(date +%s%N) / 1000 ))
    for i in 1 2 3; do
        ( r=\$(snmpget -m "" -v2c -c $TB_COMMUNITY -t 0.2 -r 0 -Oqv 198.51.100.1\$i:1161 $OID_ROLE 2>/dev/null) || r=-
          echo "\$r" > "$TB_WORK/role.\$i" ) &
    done
    wait
    echo "\$t \$(cat "$TB_WORK/role.1") \$(cat "$TB_WORK/role.2") \$(cat "$TB_WORK/role.3")"
    sleep 0.05
done
WATCH
    tb_exec nms bash "$TB_WORK/watch.sh" > "$TB_WORK/watcher.log" 2>/dev/null &
}

# Bring a node back after a fault, as an operator would: restart what died, plug what was cut.
restore() {
    local system=$1 scenario=$2 host=$3 run=$4 h
    case $system in
        keepalived-*)
            if [ "$scenario" = kill-9 ]; then
                # A crashed keepalived leaves its VIP behind (measured): remove it, then restart.
                tb_exec "$host" ip addr del "$TB_VIP/24" dev eth1 2>/dev/null || true
                tb_keepalived_start "$host" $((100 + ${host#n})) "${system#keepalived-}"
            fi ;;
        gkg-*)
            # The launcher ends with a killed JVM and kills a stopped one (watchdog): start the node again. Any other
            # death (a watchdog that fired on a busy JVM) is a finding: it goes into the table's notes.
            revive "$system" "$scenario" "$run" "$host" ;;
    esac
    sleep 2
    wait_ready "$system"
}

# revive SYSTEM SCENARIO RUN VICTIM — restart every node whose JVM is gone. A death other than the fault's (a
# watchdog that fired on a busy JVM) is a finding: it goes into the table's notes with the launcher's word for it.
# A restarted JVM keeps a core busy for 10-30 s (Karaf, JIT): the next fault waits until it is quiet, or it would
# measure the machine.
revive() {
    local system=$1 scenario=$2 run=$3 victim=$4 h why revived=""
    for h in n1 n2 n3; do
        [ ! -d "/proc/$(tb_main_pid "$h")" ] || continue
        if [ "$h" != "$victim" ] || { [ "$scenario" != kill-9 ] && [ "$scenario" != sigstop ]; }; then
            why=$(grep -a 'watchdog: no keep-alive' "$TB_WORK/$h/launcher.log" 2>/dev/null | tail -1)
            [ -n "$why" ] || why=$(tail -3 "$TB_WORK/$h/launcher.log" 2>/dev/null | grep -v '^karaf:' | head -1)
            echo "$system,$scenario,$run,$h's JVM died unasked ($why)" | tee -a "$out/unsettled.txt"
        fi
        tb_gkg_stop "$h"
        tb_gkg_start "$h"
        revived="$revived $h"
    done
    for h in $revived; do wait_quiet "$h"; done
}

# Waits (40 s at most) until HOST's JVM uses less than a third of a core over a second.
wait_quiet() {
    local pid i a b hz
    hz=$(getconf CLK_TCK)
    for ((i = 0; i < 40; i++)); do
        pid=$(tb_main_pid "$1")
        a=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || return 0
        sleep 1
        b=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || return 0
        [ $(( (b - a) * 3 )) -ge "$hz" ] || return 0
    done
}

# inject SYSTEM SCENARIO HOST — the fault; for scenarios that heal, it holds the fault, heals it, and
# prints the heal time (µs).
inject() {
    local system=$1 scenario=$2 host=$3 others
    others=$(printf '%s\n' 198.51.100.11 198.51.100.12 198.51.100.13 | grep -vx "198.51.100.1${host#n}" | tr '\n' ' ')
    case $scenario in
        kill-9) if [[ $system == keepalived-* ]]; then tb_keepalived_kill9 "$host"; else tb_fault_kill9 "$host"; fi ;;
        sigstop) tb_fault_stop "$host"; sleep 8; tb_fault_now_us; tb_fault_cont "$host" 2>/dev/null || true ;;
        link-down) tb_fault_link_down "$host"; sleep 8; tb_fault_now_us; tb_fault_link_up "$host" ;;
        # shellcheck disable=SC2086
        partition) tb_fault_partition "$host" $others; sleep 8; tb_fault_now_us; tb_fault_heal "$host" ;;
        loss) tb_fault_loss "$host" 25; sleep 8; tb_fault_now_us; tb_fault_loss_clear "$host" ;;
        flap) tb_fault_flap "$host" 5 0.3 0.7; tb_fault_now_us ;;
        switchover)
            tb_exec nms snmpset -m "" "${V3_ADMIN[@]}" -t 2 -r 1 "198.51.100.1${host#n}:1161" \
                "$OID_CONTROL_TARGET" u 0 "$OID_CONTROL_ACTION" i 2 > "$TB_WORK/snmpset.out" 2>&1 \
                || echo "bench: the switchover SET failed: $(cat "$TB_WORK/snmpset.out")" >&2 ;;
        *) echo "bench: unknown scenario $scenario" >&2; return 1 ;;
    esac
}

window_seconds() {
    case $1 in kill-9|switchover) echo 10 ;; flap) echo 13 ;; *) echo 16 ;; esac
}

measure_resources() {
    local system=$1 host pid rss cpu1 cpu2 hz
    hz=$(getconf CLK_TCK)
    for host in n1 n2 n3; do
        pid=$(tb_main_pid "$host")
        if [ ! -d "/proc/$pid" ]; then echo "$system $host: JVM gone, not measured" | tee -a "$out/resources.txt"; continue; fi
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); sleep 10; cpu2=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        awk -v s="$system" -v h="$host" -v r="$rss" -v c="$((cpu2 - cpu1))" -v hz="$hz" \
            'BEGIN { printf "%s %s: RSS %.1f MiB, idle CPU %.2f%% of one core (10 s)\n", s, h, r / 1024, c * 100 / hz / 10 }' \
            | tee -a "$out/resources.txt"
    done
}

# Notifications the guardians raised (each logs one line per event it publishes) against the ones
# snmptrapd received; INFORMs not acknowledged after the retries are logged by the agents.
count_notifications() {
    local system=$1 sent received unacked
    sent=$(cat "$TB_WORK"/n?/data/log/karaf.log* | grep -acE '\| (master-changed|member-down|member-up|gatekeeper-fault|gatekeeper-recovered|quorum-lost|quorum-regained|split-brain-detected|split-brain-healed|config-mismatch|vip-conflict|switchover-failed) on n[0-9]' || true)
    # An INFORM retransmitted because its acknowledgement came late is logged again: count each once.
    received=$(grep -a '99999\.0\.' "$TB_WORK/traps.log" 2>/dev/null | sort -u | wc -l)
    unacked=$(cat "$TB_WORK"/n?/data/log/karaf.log* | grep -ac 'was not acknowledged' || true)
    echo "$system: notifications raised by the guardians $sent, received by snmptrapd $received, lost $((sent - received)) (INFORMs unacknowledged after retries: $unacked)" \
        | tee -a "$out/resources.txt"
}

# Every node's "Promotion of ... to master of epoch ...: fault to suspicion A ms, gatekeeper ready B ms, votes C ms,
# VIP bound D ms, total since the fault E ms" lines, oldest first within each node, each prefixed with its host.
promotion_lines() {
    local h
    for h in n1 n2 n3; do
        cat "$TB_WORK/$h/data/log/karaf.log"* 2>/dev/null | grep -a "Promotion of .* to master of epoch" | sed "s/^/$h /" || true
    done
}

# Microseconds since the epoch of a karaf.log line's time (2026-12-02T07:10:44,064 ...).
log_us() { echo $(( $(date -d "$(echo "${1:0:23}" | tr T ' ' | tr , .)" +%s%N) / 1000 )); }

# Milliseconds from FAULT_US to the first line of FILES matching PATTERN at or after it, "-" when none.
# Karaf's lines start with 2026-12-02T07:10:44,064; the launcher's (gkg-node) carry 07:10:44.064 after the PID.
first_after_ms() {
    local fault_us=$1 pattern=$2 line us; shift 2
    while read -r line; do
        if [[ $line =~ ^gkg-node\[[0-9]+\]\ ([0-9:]+\.[0-9]{3}) ]]; then
            us=$(( $(date -d "$(date -d "@$((fault_us / 1000000))" +%F) ${BASH_REMATCH[1]}" +%s%N) / 1000 ))
        else
            us=$(log_us "$line")
        fi
        if [ "$us" -ge "$fault_us" ]; then echo $(( (us - fault_us) / 1000 )); return; fi
    done < <(cat "$@" 2>/dev/null | grep -a -- "$pattern" || true)
    echo -
}

# The phases of the first promotion after the fault (FAULT_US), as the new master recorded them, and around it:
# when the old master's launcher had its VIP released (kill-9, sigstop), when the new master believed the death
# (its launcher's obituary came, or the life line ended and the life check went unanswered), and its bind's
# duplicate-address check, address
# add and first gratuitous ARP (ipbinding's "bound and announced" line). Log lines start with their local time as
# 2026-12-02T07:10:44,064, so they compare as strings.
record_phases() {
    local system=$1 scenario=$2 run=$3 fault_us=$4 victim=$5 line since host released death bind dad add announce
    since=$(date -d "@$((fault_us / 1000000))" +%Y-%m-%dT%H:%M:%S),$(printf '%03d' $(( fault_us % 1000000 / 1000 )))
    line=$(promotion_lines | awk -v since="$since" 'substr($0, 4, 23) >= since' | sort -k2 | head -1)
    [ -n "$line" ] || return 0
    host=${line%% *}; line=${line#* }
    released=- death=-
    # Only a dead or stopped master's launcher releases, and only its death is seen.
    if [ "$scenario" = kill-9 ] || [ "$scenario" = sigstop ]; then
        released=$(first_after_ms "$fault_us" "VIPs released in" "$TB_WORK/$victim/launcher.log"*)
        death=$(first_after_ms "$fault_us" "saw the process of $victim die\|the launcher of $victim reports its JVM dead" \
            "$TB_WORK/$host/data/log/karaf.log"*)
    fi
    bind=$(cat "$TB_WORK/$host/data/log/karaf.log"* 2>/dev/null | grep -a "bound and announced for node $host " \
        | awk -v since="$since" 'substr($0, 1, 23) >= since' | sort | head -1)
    dad=$(echo "$bind" | sed -nE 's/.*[(]dad_ms=([0-9]+).*/\1/p'); add=$(echo "$bind" | sed -nE 's/.* add_ms=([0-9]+).*/\1/p')
    announce=$(echo "$bind" | sed -nE 's/.*first_announcement_ms=([0-9]+).*/\1/p')
    echo "$line" | sed -E 's/.*fault to suspicion ([0-9]+) ms, gatekeeper ready ([0-9]+) ms, votes ([0-9]+) ms, VIP bound ([0-9]+) ms, total since the fault ([0-9]+) ms.*/\1,\2,\3,\4,\5/' \
        | sed "s/^/$system,$scenario,$run,/; s/\$/,$released,$death,${dad:--},${add:--},${announce:--},$host/" >> "$out/phases.csv"
}

# Lines "KEY1 KEY2 V1 V2 ..." in, "  KEY1 KEY2 min/median/max (N runs)" out, the keys padded to the given widths.
min_median_max() {
    local width1=$1 width2=$2 key1 key2 values
    while read -r key1 key2 values; do
        set -- $(printf '%s\n' $values | sort -n)
        printf "  %-${width1}s %-${width2}s %s/%s/%s (%d runs)\n" "$key1" "$key2" "$1" "$(eval echo \${$(( ($# + 1) / 2 ))})" "${!#}" $#
    done
}

# Median of each phase per system and scenario: where the time of a failover goes.
print_phases() {
    [ -s "$out/phases.csv" ] || return 0
    echo
    echo "Where the failover time goes (median ms over the runs; suspicion .. total from the new master's own record:"
    echo "suspicion = from the last renewal it answered (its 'fault') to the start of its candidacy, gatekeeper = its"
    echo "gatekeeper made ready, votes = asking until a majority granted the epoch (includes waiting out the voters'"
    echo "promise), VIP bound = the bind (includes the rest of the duplicate-address check); released = the real fault"
    echo "to the old master's launcher having removed its VIP, death = the real fault to the new master believing the"
    echo "old one's death (its launcher's obituary, or life line ended and life check unanswered); dad/add/garp = the"
    echo "bind's duplicate-address check (0 when the VIP was handed over),"
    echo "ip addr add and first gratuitous ARP):"
    printf '%-11s %-16s %9s %10s %6s %9s %6s %8s %6s %5s %5s %5s %5s\n' scenario system suspicion gatekeeper votes "VIP bound" \
        total released death dad add garp runs
    sort -t, -k2,2 -k1,1 "$out/phases.csv" | awk -F, '
        function median(list,   n, a, i, t, m, x) { m = 0; n = split(list, a, " "); for (i = 1; i <= n; i++) if (a[i] != "-") { m++; a[m] = a[i] }
            if (m == 0) return "-"
            for (i = 1; i <= m; i++) for (t = i + 1; t <= m; t++) if (a[t] + 0 < a[i] + 0) { x = a[i]; a[i] = a[t]; a[t] = x }; return a[int((m + 1) / 2)] }
        { k = $2 " " $1; keys[k] = 1; for (c = 4; c <= 13; c++) v[k, c] = v[k, c] " " (c <= NF ? $c : "-"); n[k]++ }
        END { for (k in keys) { split(k, p, " "); printf "%-11s %-16s %9s %10s %6s %9s %6s %8s %6s %5s %5s %5s %5d\n", p[1], p[2],
            median(v[k, 4]), median(v[k, 5]), median(v[k, 6]), median(v[k, 7]), median(v[k, 8]), median(v[k, 9]),
            median(v[k, 10]), median(v[k, 11]), median(v[k, 12]), median(v[k, 13]), n[k] } }' | sort
}

count_false_failovers() {
    local system=$1 seconds=$2 stress changes=0 doubles=0 samples=0 last now kills_before kills
    last=$(wait_single_owner) || last=""
    kills_before=$(watchdog_kills)
    stress-ng --cpu 2 --timeout "${seconds}s" --quiet &
    stress=$!
    # Sample until stress-ng ends: under full load one sample takes far longer than its 0.1 s pause.
    while kill -0 "$stress" 2>/dev/null; do
        now=$(tb_gkg_vip_holders); now=${now% }
        samples=$((samples + 1))
        [ "$(echo "$now" | wc -w)" -gt 1 ] && doubles=$((doubles + 1))
        if [ -n "$now" ] && [ "$now" != "$last" ]; then changes=$((changes + 1)); last=$now; fi
        sleep 0.1
    done
    wait "$stress" || true
    kills=$(( $(watchdog_kills) - kills_before ))
    echo "$system: $changes VIP owner changes (false failovers) and $doubles samples with two holders in ${seconds}s with both cores saturated (stress-ng --cpu 2), $samples samples of every node's eth1; $kills JVMs killed by their launcher's watchdog meanwhile" \
        | tee -a "$out/resources.txt"
    cat "$TB_WORK"/n?/launcher.log* 2>/dev/null | grep -a 'watchdog: no keep-alive' | tail -n "$kills" | tee -a "$out/resources.txt" || true
}

# How many times a launcher's watchdog killed its JVM, over every launcher log of this system so far.
watchdog_kills() { cat "$TB_WORK"/n?/launcher.log* 2>/dev/null | grep -ac 'watchdog: no keep-alive' || true; }

for system in $systems; do
    tb_init
    TB_WORK=$(mktemp -d /tmp/gkg-bench.XXXXXX)
    TB_HOSTS=()
    for i in 1 2 3; do tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"; done
    if [ -n "$lan_rto_min" ]; then
        for i in 1 2 3; do
            tb_exec "n$i" ip route replace 198.51.100.0/24 dev "$TB_LAN_IF" proto kernel scope link src "198.51.100.1$i" \
                rto_min "${lan_rto_min}ms"
        done
    fi
    tb_host term "" 203.0.113.100
    tb_host nms "$nms" ""
    [[ $system == gkg-* ]] && tb_gkg_unpack
    echo "== $system: starting"
    start_system "$system"
    names=$(tb_mac_names n1 n2 n3)
    sip=--no-sip; [[ $system == gkg-* ]] && sip=""
    for scenario in $scenarios; do
        if [ "$scenario" = switchover ] && [[ $system != gkg-* ]]; then continue; fi
        # A figure taken on a busy machine measures the machine: the load before each cell goes with the table.
        echo "$system $scenario: load average before the cell: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
        for ((run = 1; run <= runs; run++)); do
            if ! victim=$(wait_single_owner); then
                echo "$system,$scenario,$run,no single VIP owner before the fault" >> "$out/unsettled.txt"
                restart_system "$system" "had no single VIP owner before run $run of $scenario"
                victim=$(wait_single_owner) || { echo "bench: $system/$scenario run $run skipped" >&2; continue; }
            fi
            # shellcheck disable=SC2086
            tb_exec term java -cp "$JAR" org.gkguardian.testbed.Prober --iface eth1 --vip "$TB_VIP" \
                --seconds "$(window_seconds "$scenario")" $sip --out "$TB_WORK/probes.csv" &
            prober=$!
            sleep "2.$(printf '%03d' $((RANDOM % 1000)))"
            fault=$(tb_fault_now_us)
            heal=$(inject "$system" "$scenario" "$victim")
            wait "$prober" || true
            end=$(tb_fault_now_us)
            cp "$TB_WORK/probes.csv" "$out/probes-$system-$scenario-$run.csv" 2>/dev/null || true
            extra=(--end-us "$end")
            [ -n "$heal" ] && extra+=(--heal-us "$heal")
            [[ $system == gkg-* ]] && extra+=(--roles "$TB_WORK/watcher.log")
            java -cp "$JAR" org.gkguardian.testbed.Analyze --probes "$TB_WORK/probes.csv" --fault-us "$fault" \
                --scenario "$scenario" --system "$system" --run "$run" --names "$names" "${extra[@]}" \
                --results "$out/results.csv" --png "$out/$system-$scenario-$run.png" || true
            if ! restore "$system" "$scenario" "$victim" "$run"; then
                echo "$system,$scenario,$run,not settled after the fault and its heal" >> "$out/unsettled.txt"
                restart_system "$system" "did not settle after run $run of $scenario"
            fi
            if [[ $system == gkg-* ]]; then
                record_phases "$system" "$scenario" "$run" "$fault" "$victim"
            fi
            if [[ $system == gkg-* ]] && [ -n "$heal" ]; then
                merged=$(merged_after_ms "$victim" "$heal")
                echo "$system/$scenario run $run: $victim back in the cluster (quorum regained) $merged ms after the heal"
                echo "$system,$scenario,$run,$merged" >> "$out/merges.csv"
            fi
        done
    done
    if [[ $system == gkg-* ]]; then count_notifications "$system"; fi
    measure_resources "$system"
    if [ "$stress_seconds" -gt 0 ] && [[ " $stress_systems " == *" $system "* ]]; then
        count_false_failovers "$system" "$stress_seconds"
    fi
    tb_destroy
    if [ "$keep" = yes ]; then echo "$system: logs kept in $TB_WORK"; else rm -rf "$TB_WORK"; fi
done

echo
java -cp "$JAR" org.gkguardian.testbed.Report "$out/results.csv" keepalived-0.1 | tee "$out/table.txt"
print_phases | tee -a "$out/table.txt"
# Issue 17 asks for the SIP outage within the ARP outage + 50 ms: per run, the difference.
echo | tee -a "$out/table.txt"
echo "SIP outage - ARP outage per run (ms, min/median/max; the terminal's SIP probes go through its neighbour cache):" \
    | tee -a "$out/table.txt"
awk -F, '$4 >= 0 && $6 >= 0 { v[$1 " " $2] = v[$1 " " $2] " " ($6 - $4) } END { for (k in v) print k, v[k] }' "$out/results.csv" | sort \
    | min_median_max 11 16 | tee -a "$out/table.txt"
if [ -s "$out/unsettled.txt" ]; then
    echo
    echo "Runs after which the cluster did not settle within ${settle_seconds} s (the cluster was restarted), and JVMs that died unasked (restarted):"
    cat "$out/unsettled.txt"
fi | tee -a "$out/table.txt"
echo | tee -a "$out/table.txt"
cat "$out/load.txt" | tee -a "$out/table.txt"
echo "heal -> the healed node back in the cluster (its quorum-regained), ms, min/median/max over the runs where it lost quorum:" \
    | tee -a "$out/table.txt"
awk -F, '$4 != "-" { v[$1 " " $2] = v[$1 " " $2] " " $4 } END { for (k in v) print k, v[k] }' "$out/merges.csv" | sort \
    | min_median_max 16 11 | tee -a "$out/table.txt"
cat "$out/resources.txt"
echo "timelines: $out/<system>-<scenario>-<run>.png"
