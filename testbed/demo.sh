#!/usr/bin/env bash
# The multi-node demo (./gkg run --demo): three GK Guardian nodes with Kamailio as the gatekeeper
# (cold standby), a terminal and an NMS on network-namespace hosts, and a live role table.
# Keys: k = kill -9 the master's guardian JVM, s = SIGSTOP it, c = SIGCONT every stopped node,
#       l = pull the master's LAN cable, u = plug every cable back, r = restart dead nodes,
#       w = switchover by SNMP SET (to the best other node), q = quit.
# Keys are read from standard input, so a script can drive it too: (sleep 90; printf k; sleep 30; printf q) | ...
# Everything is removed on exit (q, Ctrl-C, end of input or failure).
#
#   testbed/demo.sh [--nodes N] [cold|warm]
#
# N is 2 to 9 (default 3). Two nodes are the patent's pair: quorum.policy witness, the NMS host being
# the witness (it answers ICMP echo), so that the side that still reaches it keeps the role.
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
for tool in kamailio sipsak snmpget snmpwalk snmpset snmptrapd arping; do
    command -v "$tool" >/dev/null || { echo "demo: $tool is missing (./gkg run --demo installs it)" >&2; exit 1; }
done
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-demo.XXXXXX)
trap 'tb_destroy; rm -rf "$TB_WORK"' EXIT
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
tb_exec nms snmptrapd -f -C -c "$TB_WORK/snmptrapd.conf" -M "+$TB_ROOT/mibs/target/mibs" -m +GK-GUARDIAN-MIB \
    -F '%#y-%#02m-%#02l %#02h:%#02j:%#02k %B %v\n' -Lf "$TB_WORK/traps.log" "udp:$nms:162" > /dev/null 2>&1 &
echo "starting $nodes nodes (Karaf) ..."
for h in "${hosts[@]}"; do tb_gkg_start "$h"; done

snmp() { local tool=$1; shift; tb_exec nms "$tool" -M "+$TB_ROOT/mibs/target/mibs" -m +GK-GUARDIAN-MIB "$@" 2>/dev/null; }
master() { local h; for h in "${hosts[@]}"; do [ "$(tb_gkg_role "$h")" = master ] && echo "$h" && return; done; return 0; }
snmp_role() { snmp snmpget -v2c -c "$TB_COMMUNITY" -t 0.3 -r 0 -Oqv "198.51.100.1${1#n}:1161" GK-GUARDIAN-MIB::gkgNodeRole.0 || echo "-"; }

while true; do
    clear 2>/dev/null || printf '\n\n'
    echo "GK Guardian demo ($nodes nodes, $standby standby) — VIP $TB_VIP — $(date +%T)"
    printf '\n%-5s %-15s %-13s %-14s %-9s %-9s %-8s\n' node internal role "role by SNMP" "VIP here" kamailio JVM
    for h in "${hosts[@]}"; do
        pid=$(cat "$TB_WORK/$h.pid" 2>/dev/null || true)
        state=dead; [ -n "$pid" ] && [ -d "/proc/$pid" ] && state=$(sed 's/.*) //' "/proc/$pid/stat" | cut -c1)
        case $state in R|S|D) state=running ;; T|t) state=stopped ;; Z) state=dead ;; esac
        vip=no; tb_exec "$h" ip -br addr show dev eth1 | grep -q " $TB_VIP/" && vip=YES
        kam=no; [[ " $(tb_gkg_kamailio_hosts)" == *" $h "* ]] && kam=running
        role=$(tb_gkg_role "$h"); [ "$state" != dead ] || role="-"   # a dead JVM's log ends with its last role
        printf '%-5s %-15s %-13s %-14s %-9s %-9s %-8s\n' "$h" "198.51.100.1${h#n}" "$role" \
            "$(snmp_role "$h")" "$vip" "$kam" "$state"
    done
    echo
    answer=$(tb_sip_register term alice 2>/dev/null | tr '\n' ' ') || true
    echo "terminal REGISTER at $TB_VIP: ${answer:-no 200 OK}"
    m=$(master)
    echo "NMS: the master's member table (role last reported, reachable = in its view)${m:+ at $m}:"
    if [ -n "$m" ]; then
        for column in gkgMemberRole gkgMemberReachable; do
            snmp snmpwalk -v2c -c "$TB_COMMUNITY" -t 0.5 -r 0 "198.51.100.1${m#n}:1161" "GK-GUARDIAN-MIB::$column" \
                | sed 's/^GK-GUARDIAN-MIB::/  /' || true
        done
    fi
    echo
    echo "last notifications at the NMS:"; tail -n 4 "$TB_WORK/traps.log" 2>/dev/null | cut -c1-160 | sed 's/^/  /'
    echo
    echo "keys: k kill -9 master | s SIGSTOP master | c SIGCONT all | l cut master's LAN | u plug all | r restart dead | w switchover by SNMP | q quit"
    key="" status=0
    read -r -s -n 1 -t 2 key || status=$?
    # A timeout (status > 128) means no key this round; any other failure, that the input has ended.
    if [ "$status" != 0 ] && [ "$status" -le 128 ]; then exit 0; fi
    case $key in
        k) [ -z "$m" ] || { tb_fault_kill9 "$m"; echo ">>> kill -9 of $m's guardian JVM"; } ;;
        s) [ -z "$m" ] || { tb_fault_stop "$m"; echo ">>> SIGSTOP of $m's guardian JVM"; } ;;
        c) for h in "${hosts[@]}"; do tb_fault_cont "$h" 2>/dev/null || true; done ;;
        l) [ -z "$m" ] || { tb_fault_link_down "$m"; echo ">>> $m's LAN cable pulled"; } ;;
        u) for h in "${hosts[@]}"; do tb_fault_link_up "$h"; done ;;
        r) for h in "${hosts[@]}"; do
               pid=$(cat "$TB_WORK/$h.pid"); [ -d "/proc/$pid" ] || { tb_gkg_stop "$h"; tb_gkg_start "$h"; }
           done ;;
        w) [ -z "$m" ] || snmp snmpset "${ADMIN[@]}" "198.51.100.1${m#n}:1161" GK-GUARDIAN-MIB::gkgControlTarget.0 u 0 \
               GK-GUARDIAN-MIB::gkgControlAction.0 i 2 | sed 's/^/>>> /' ;;
        q) exit 0 ;;
    esac
done
