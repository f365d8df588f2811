#!/usr/bin/env bash
# The multi-node demo (./gkg run --demo): three GK Guardian nodes with Kamailio as the gatekeeper
# (cold standby), a terminal and an NMS on network-namespace hosts, and a live role table.
# Keys: k = kill -9 the master's guardian JVM, s = SIGSTOP it, c = SIGCONT every stopped node,
#       l = pull the master's LAN cable, u = plug every cable back, r = restart dead nodes, q = quit.
# Everything is removed on exit (q, Ctrl-C or failure).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/faults.sh"
source "$here/lib/cluster.sh"
standby=${1:-cold}
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-demo.XXXXXX)
trap 'tb_destroy; rm -rf "$TB_WORK"' EXIT
members=198.51.100.11,198.51.100.12,198.51.100.13

tb_gkg_unpack
for i in 1 2 3; do
    tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"
    tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" fast
    tb_gkg_kamailio "n$i" "$standby"
    tb_gkg_cfg "n$i" org.gkguardian.snmp ".notification.targets = v2c-trap:198.51.100.200/162:public"
done
tb_host term "" 203.0.113.100
tb_host nms 198.51.100.200 ""
cat > "$TB_WORK/snmptrapd.conf" <<CONF
authCommunity log public
CONF
tb_exec nms snmptrapd -f -Lf "$TB_WORK/traps.log" -c "$TB_WORK/snmptrapd.conf" -C udp:198.51.100.200:162 &
echo "starting three nodes (Karaf) ..."
for i in 1 2 3; do tb_gkg_start "n$i"; done

snmp() { tb_exec nms "$@" -v2c -c public -M "+$TB_ROOT/mibs/target/mibs" -m +GK-GUARDIAN-MIB 2>/dev/null; }
master() { local h; for h in n1 n2 n3; do [ "$(tb_gkg_role "$h")" = master ] && echo "$h" && return; done; }
register() {
    tb_exec term sipsak -U -C "sip:alice@203.0.113.100" -s "sip:alice@$TB_VIP" -a secret -x 60 2>&1 \
        | grep -qE "200|OK" && echo "200 OK" || echo "no answer"
}

while true; do
    clear
    echo "GK Guardian demo ($standby standby) — VIP $TB_VIP — $(date +%T)"
    printf '\n%-5s %-15s %-13s %-10s %-8s %-8s\n' node internal role "VIP here" kamailio JVM
    for h in n1 n2 n3; do
        pid=$(cat "$TB_WORK/$h.pid" 2>/dev/null || true)
        state=dead; [ -n "$pid" ] && [ -d "/proc/$pid" ] && state=$(awk '{print $3}' "/proc/$pid/stat")
        case $state in R|S|D) state=running ;; T|t) state=stopped ;; esac
        vip=no; tb_exec "$h" ip -br addr show dev eth1 | grep -q " $TB_VIP/" && vip=YES
        kam=no; ip netns pids "$(tb_ns "$h")" | while read -r p; do [ "$(cat /proc/$p/comm 2>/dev/null)" = kamailio ] && echo y; done | grep -q y && kam=running
        printf '%-5s %-15s %-13s %-10s %-8s %-8s\n' "$h" "198.51.100.1${h#n}" "$(tb_gkg_role "$h")" "$vip" "$kam" "$state"
    done
    echo
    echo "terminal registers at $TB_VIP: $(register)"
    echo "NMS (snmpwalk of the member table from the current master):"
    m=$(master)
    [ -n "$m" ] && snmp snmpwalk "198.51.100.1${m#n}:1161" GK-GUARDIAN-MIB::gkgMemberTable | head -12
    echo
    echo "last traps:"; tail -n 4 "$TB_WORK/traps.log" 2>/dev/null | cut -c1-150
    echo
    echo "keys: k kill -9 master | s SIGSTOP master | c SIGCONT all | l cut master's LAN | u plug all | r restart dead | q quit"
    key=""; read -r -s -n 1 -t 2 key || true
    m=$(master)
    case $key in
        k) [ -n "$m" ] && tb_fault_kill9 "$m" ;;
        s) [ -n "$m" ] && tb_fault_stop "$m" ;;
        c) for h in n1 n2 n3; do tb_fault_cont "$h" 2>/dev/null || true; done ;;
        l) [ -n "$m" ] && tb_fault_link_down "$m" ;;
        u) for h in n1 n2 n3; do tb_fault_link_up "$h"; done ;;
        r) for h in n1 n2 n3; do
               pid=$(cat "$TB_WORK/$h.pid"); [ -d "/proc/$pid" ] || { tb_gkg_stop "$h"; tb_gkg_start "$h"; }
           done ;;
        q) exit 0 ;;
    esac
done
