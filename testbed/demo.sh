#!/usr/bin/env bash
# The multi-node demo (./gkg run --demo): three GK Guardian nodes with Kamailio as the gatekeeper
# (cold standby), a terminal and an NMS on network-namespace hosts, and a live view redrawn several times a second.
# Keys: k = kill -9 the master's guardian JVM, s = SIGSTOP it, c = SIGCONT every stopped node,
#       l = pull the master's LAN cable, u = plug every cable back, r = restart dead nodes,
#       w = switchover by SNMP SET (to the best other node), q = quit.
# Keys are read from standard input, so a script can drive it too: (sleep 90; printf k; sleep 30; printf q) | ...
# Every fault gets one line with what the terminal measured from the moment it was injected: when another node
# answered ARP for the VIP, and when a REGISTER at the VIP got 200 OK from another node's Kamailio (the terminal
# probes both every 20 ms).
# Everything is removed on exit (q, Ctrl-C, end of input or failure).
#
#   testbed/demo.sh [--nodes N] [cold|warm]
#
# N is 2 to 9 (default 3). Two nodes are the patent's pair: quorum.policy witness, the NMS host being
# the witness (it answers ICMP echo), so that the side that still reaches it keeps the role.
# The view is drawn in place on a terminal; when standard output is not one (a log), a frame is printed
# every 10 s and each fault line as soon as it is measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/faults.sh"
source "$here/lib/cluster.sh"
nodes=3
if [ "${1:-}" = --nodes ]; then nodes=${2:-}; shift 2 || true; fi
[[ $nodes =~ ^[2-9]$ ]] || { echo "demo: --nodes must be 2 to 9, not '$nodes'" >&2; exit 2; }
standby=${1:-cold}
case $standby in cold|warm) ;; *) echo "demo: standby must be cold or warm, not '$standby'" >&2; exit 2 ;; esac
for tool in kamailio sipsak snmpget snmpwalk snmpset snmptrapd arping java; do
    command -v "$tool" >/dev/null || { echo "demo: $tool is missing (./gkg run --demo installs it)" >&2; exit 1; }
done
JAR="$here/target/gk-guardian-testbed.jar"
[ -f "$JAR" ] || { echo "demo: $JAR is missing; build first (mvn install -DskipTests)" >&2; exit 1; }
tty=no; [ -t 1 ] && tty=yes
watchers=()
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-demo.XXXXXX)
view=$TB_WORK/view
mkdir -p "$view"
cleanup() {
    set +e
    [ ${#watchers[@]} -eq 0 ] || kill "${watchers[@]}" 2>/dev/null
    [ "$tty" = no ] || printf '\033[?25h\033[?7h\n'
    tb_destroy
    rm -rf "$TB_WORK"
}
trap cleanup EXIT
hosts=() members=""
for ((i = 1; i <= nodes; i++)); do hosts+=("n$i"); members="$members${members:+,}198.51.100.1$i"; done
nms=198.51.100.200
ADMIN=(-v3 -l authPriv -u demoadmin -a SHA-256 -A demoAuthPass1 -x AES -X demoPrivPass1)

tb_gkg_unpack
for ((i = 1; i <= nodes; i++)); do
    tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"
    tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" default
    tb_gkg_kamailio "n$i" "$standby"
    tb_gkg_cfg "n$i" org.gkguardian.snmp ".notification.targets = v2c-trap:$nms/162:public" \
        ".v3.users = demoadmin:SHA-256:demoAuthPass1:AES:demoPrivPass1:write"
    [ "$nodes" != 2 ] || tb_gkg_cfg "n$i" org.gkguardian.guardian "quorum.policy = witness" "witness.address = $nms"
done
tb_host term "" 203.0.113.100
tb_host nms "$nms" ""
printf 'authCommunity log public\n' > "$TB_WORK/snmptrapd.conf"
tb_exec nms snmptrapd -f -C -c "$TB_WORK/snmptrapd.conf" -M "$TB_ROOT/mibs/target/mibs" -m GK-GUARDIAN-MIB:SNMPv2-MIB \
    -F '%#y-%#02m-%#02l %#02h:%#02j:%#02k %B %v\n' -Lf "$TB_WORK/traps.log" "udp:$nms:162" > /dev/null 2>&1 &
echo "starting $nodes nodes (Karaf) ..."
for h in "${hosts[@]}"; do tb_gkg_start "$h"; done

snmp() { local tool=$1; shift; tb_exec nms "$tool" -M "$TB_ROOT/mibs/target/mibs" -m GK-GUARDIAN-MIB "$@" 2>/dev/null; }
master() { local h; for h in "${hosts[@]}"; do [ "$(tb_gkg_role "$h")" = master ] && echo "$h" && return; done; return 0; }
snmp_role() { snmp snmpget -v2c -c "$TB_COMMUNITY" -t 0.3 -r 0 -Oqv "198.51.100.1${1#n}:1161" GK-GUARDIAN-MIB::gkgNodeRole.0 || echo "-"; }
now_us() { echo $(( $(date +%s%N) / 1000 )); }
# put NAME VALUE — replace a view file at once, so that the frame never reads half of it.
put() { printf '%s\n' "$2" > "$view/$1.$BASHPID" && mv -f "$view/$1.$BASHPID" "$view/$1"; }

# The data that takes time (SNMP requests that wait for a dead node, the member table) is gathered by
# watchers in the background; the frame only reads their latest results. Watchers, the frame and the
# measurements run without errexit: a read that finds nothing is an answer to show, not a reason to stop.
for h in "${hosts[@]}"; do
    ( set +e; while :; do put "snmp-$h" "$(snmp_role "$h")"; sleep 0.5; done ) 2> /dev/null &
    watchers+=($!)
done
( set +e
  while :; do
      m=$(master) table=""
      if [ -n "$m" ]; then
          table=$(for column in gkgMemberRole gkgMemberReachable; do
                      snmp snmpwalk -v2c -c "$TB_COMMUNITY" -t 0.5 -r 0 "198.51.100.1${m#n}:1161" \
                          "GK-GUARDIAN-MIB::$column" | sed 's/^GK-GUARDIAN-MIB::/  /' || true
                  done)
      fi
      put members "${m:--}"$'\n'"$table"
      sleep 1
  done ) 2> /dev/null &
watchers+=($!)
# The node table (role from the log, VIP, Kamailio, JVM state): a few dozen processes per round, so a watcher of
# its own, four times a second. Watchers are silent: one still running while the hosts are removed at exit
# would print that they are gone.
node_rows() {
    local h pid state vip kam role kamailio_hosts
    kamailio_hosts=" $(tb_gkg_kamailio_hosts)"
    for h in "${hosts[@]}"; do
        pid=$(cat "$TB_WORK/$h.pid" 2>/dev/null || true)
        state=dead; [ -n "$pid" ] && [ -d "/proc/$pid" ] && state=$(sed 's/.*) //' "/proc/$pid/stat" | cut -c1)
        case $state in R|S|D) state=running ;; T|t) state=stopped ;; Z) state=dead ;; esac
        vip=no; tb_exec "$h" ip -br addr show dev eth1 | grep -q " $TB_VIP/" && vip=YES
        kam=no; [[ $kamailio_hosts == *" $h "* ]] && kam=running
        role=$(tb_gkg_role "$h"); [ "$state" != dead ] || role="-"   # a dead JVM's log ends with its last role
        printf '%s %s %s %s %s\n' "$h" "$role" "$vip" "$kam" "$state"
    done
}
: > "$view/nodes"
( set +e; while :; do put nodes "$(node_rows)"; sleep 0.25; done ) 2> /dev/null &
watchers+=($!)
# The terminal: ARP for the VIP and a REGISTER at it, every 20 ms; each answer (who, when) goes to probes.csv.
probes=$view/probes.csv
: > "$probes"
tb_exec term java -Xmx32m -XX:+UseSerialGC -cp "$JAR" org.gkguardian.testbed.Prober --iface eth1 --vip "$TB_VIP" \
    --interval-ms 20 --register alice --seconds 86400 --out "$probes" > "$TB_WORK/prober.log" 2>&1 &
declare -A host_of_mac
for h in "${hosts[@]}"; do host_of_mac[$(tb_mac "$h")]=$h; done
: > "$view/faults"

# measure LABEL VICTIM T0_US OFFSET — one line for the fault: the first ARP answer for the VIP from another node
# and the first 200 OK to a REGISTER from another node's Kamailio, both counted from the fault.
measure() {
    set +e
    local label=$1 victim=$2 t0=$3 offset=$4 victim_mac arp="" reg="" deadline line who
    victim_mac=$(tb_mac "$victim")
    deadline=$(( t0 + 60000000 ))
    while { [ -z "$arp" ] || [ -z "$reg" ]; } && [ "$(now_us)" -lt "$deadline" ]; do
        sleep 0.1
        [ -n "$arp" ] || arp=$(tail -c "+$offset" "$probes" | awk -F, -v t0="$t0" -v mac="$victim_mac" \
            '$2 == "arp" && $1 > t0 && $4 != mac { print $1 "," $4; exit }')
        [ -n "$reg" ] || reg=$(tail -c "+$offset" "$probes" | awk -F, -v t0="$t0" -v server="gkg $victim" \
            '$2 == "register" && $1 > t0 && $4 != server { print $1 "," $4; exit }')
    done
    line="$(date +%T) $label"
    if [ -n "$arp" ]; then
        who=${host_of_mac[${arp#*,}]:-${arp#*,}}
        line+=" → $who master, VIP answered again after $(seconds_since "$t0" "${arp%%,*}") s"
    else
        line+=" → no other node answered for the VIP within 60 s"
    fi
    if [ -n "$reg" ]; then
        line+=", REGISTER 200 OK from ${reg##* } after $(seconds_since "$t0" "${reg%%,*}") s"
    else
        line+=", no REGISTER 200 OK from another node within 60 s"
    fi
    printf '%s\n' "$line" >> "$view/faults"
}
seconds_since() { awk -v a="$1" -v b="$2" 'BEGIN { d = (b - a) / 1e6; if (d < 0) d = 0; printf "%.2f", d }'; }

# One line per notification snmptrapd logged: when, which, from which node, and the alarm it raises or clears.
notifications() {
    tail -n "$1" "$TB_WORK/traps.log" 2>/dev/null | tr '\t' ' ' | awk '
        function value(name,   at, rest) {
            at = index($0, name " = ")
            if (at == 0) return ""
            rest = substr($0, at + length(name) + 3)
            sub(/^[A-Za-z0-9-]+: /, "", rest)
            sub(/ +[A-Za-z0-9-]+::.*$/, "", rest)
            gsub(/"/, "", rest)
            return rest
        }
        {
            line = $2 " " value("SNMPv2-MIB::snmpTrapOID.0") " from " value("GK-GUARDIAN-MIB::gkgNotifyNode.0")
            alarm = value("GK-GUARDIAN-MIB::gkgNotifyAlarmId.0")
            if (alarm != "") line = line ", alarm " alarm " " value("GK-GUARDIAN-MIB::gkgNotifyAlarmSeverity.0")
            master = value("GK-GUARDIAN-MIB::gkgNotifyNewMaster.0")
            if (master != "") line = line ", new master " master
            print line
        }' | sed 's/GK-GUARDIAN-MIB:://'
}

# inject KEY — the fault or repair a key asks for; a fault on the master is measured in the background.
inject() {
    local key=$1 m t0 offset label=""
    m=$(master)
    offset=$(( $(stat -c %s "$probes") + 1 ))
    t0=$(now_us)
    case $key in
        k) [ -z "$m" ] || { tb_fault_kill9 "$m"; label="kill -9 $m"; } ;;
        s) [ -z "$m" ] || { tb_fault_stop "$m"; label="SIGSTOP $m"; } ;;
        l) [ -z "$m" ] || { tb_fault_link_down "$m"; label="LAN cable of $m pulled"; } ;;
        w) [ -z "$m" ] || { snmp snmpset "${ADMIN[@]}" "198.51.100.1${m#n}:1161" GK-GUARDIAN-MIB::gkgControlTarget.0 u 0 \
               GK-GUARDIAN-MIB::gkgControlAction.0 i 2 > /dev/null && label="switchover by SNMP SET on $m"; } ;;
        c) for h in "${hosts[@]}"; do tb_fault_cont "$h" 2>/dev/null || true; done
           printf '%s SIGCONT to every node\n' "$(date +%T)" >> "$view/faults" ;;
        u) for h in "${hosts[@]}"; do tb_fault_link_up "$h"; done
           printf '%s every LAN cable plugged back\n' "$(date +%T)" >> "$view/faults" ;;
        r) # In the background: a start waits for the JVM, and the view goes on meanwhile.
           ( set +e
             for h in "${hosts[@]}"; do
                 pid=$(cat "$TB_WORK/$h.pid"); [ -d "/proc/$pid" ] || { tb_gkg_stop "$h"; tb_gkg_start "$h"; }
             done
             printf '%s dead nodes restarted\n' "$(date +%T)" >> "$view/faults" ) &
           watchers+=($!) ;;
    esac
    if [ -n "$label" ]; then
        measure "$label" "$m" "$t0" "$offset" &
        watchers+=($!)
    elif [[ $key == [kslw] ]]; then
        printf '%s no master to act on\n' "$(date +%T)" >> "$view/faults"
    fi
}

# The terminal's latest answers: "ARP|REGISTER" text for the frame.
terminal_line() {
    set +e
    local now last_arp last_reg arp reg
    now=$(now_us)
    last_arp=$(tail -n 400 "$probes" | grep ',arp,' | tail -n 1)
    last_reg=$(tail -n 400 "$probes" | grep ',register,' | tail -n 1)
    arp="no ARP answer yet"
    [ -z "$last_arp" ] || arp="ARP answered by ${host_of_mac[${last_arp##*,}]:-${last_arp##*,}} $(seconds_since "${last_arp%%,*}" "$now") s ago"
    reg="no REGISTER 200 OK yet"
    [ -z "$last_reg" ] || reg="REGISTER 200 OK from ${last_reg##* } $(seconds_since "${last_reg%%,*}" "$now") s ago"
    printf '%s; %s' "$arp" "$reg"
}

# frame — the whole view as one string, so that it is printed at once.
frame() {
    set +e
    local h role vip kam state members
    printf 'GK Guardian demo (%s nodes, %s standby) — VIP %s — %s\n\n' "$nodes" "$standby" "$TB_VIP" "$(date +%T.%1N)"
    printf '%-5s %-15s %-13s %-14s %-9s %-9s %-8s\n' node internal role "role by SNMP" "VIP here" kamailio JVM
    while read -r h role vip kam state; do
        [ -n "$h" ] || continue
        printf '%-5s %-15s %-13s %-14s %-9s %-9s %-8s\n' "$h" "198.51.100.1${h#n}" "$role" \
            "$(cat "$view/snmp-$h" 2>/dev/null || echo "-")" "$vip" "$kam" "$state"
    done < "$view/nodes"
    printf '\nterminal at %s: %s\n' "$TB_VIP" "$(terminal_line)"
    members=$(cat "$view/members" 2>/dev/null || echo "-")
    if [ "${members%%$'\n'*}" = "-" ]; then
        printf 'NMS: no master to read the member table from\n'
    else
        printf "NMS: the master's member table (role last reported, reachable = in its view) at %s:\n" "${members%%$'\n'*}"
        printf '%s\n' "${members#*$'\n'}"
    fi
    printf '\nfaults (what the terminal measured from the fault on):\n'
    if [ -s "$view/faults" ]; then tail -n 5 "$view/faults" | sed 's/^/  /'; else printf '  none yet\n'; fi
    printf '\nlast notifications at the NMS (of %s):\n' "$(wc -l < "$TB_WORK/traps.log" 2>/dev/null || echo 0)"
    notifications 5 | sed 's/^/  /'
    printf '\nkeys: k kill -9 master | s SIGSTOP master | c SIGCONT all | l cut master'"'"'s LAN | u plug all | r restart dead | w switchover by SNMP | q quit\n'
}

# On a terminal: no cursor and no line wrap while the view is drawn (a long line is cut at the edge
# instead of pushing the frame down); cleanup() gives both back.
[ "$tty" = no ] || printf '\033[?25l\033[?7l\033[2J'
last_plain=0 faults_shown=0
while true; do
    if [ "$tty" = yes ]; then
        # Home, the frame with each line cleared to its end, then the rest of the screen cleared: no blank flash.
        out=$(frame | sed 's/$/\x1b[K/')
        printf '\033[H%s\n\033[J' "$out"
    else
        if (( SECONDS - last_plain >= 10 )); then
            out=$(frame)
            printf '%s\n%s\n' "$out" "----"
            last_plain=$SECONDS
        fi
        count=$(wc -l < "$view/faults")
        if (( count > faults_shown )); then
            tail -n "+$((faults_shown + 1))" "$view/faults" | sed 's/^/FAULT: /'
            faults_shown=$count
        fi
    fi
    key="" status=0
    read -r -s -n 1 -t 0.25 key || status=$?
    # A timeout (status > 128) means no key this round; any other failure, that the input has ended.
    if [ "$status" != 0 ] && [ "$status" -le 128 ]; then exit 0; fi
    case $key in
        q) exit 0 ;;
        k|s|l|w|c|u|r) inject "$key" || true ;;
    esac
done
