#!/usr/bin/env bash
# Benchmark (not part of the test suite): how long registered terminals stay unreachable after a cold
# failover, against warm standby with replication. Per mode, three nodes run Kamailio as in
# tests/warm-registrations.sh (cold: the sample registrar, started on promotion; warm: kamailio-warm.cfg
# on every node, location table replicated by DMQ). One terminal host runs 100 terminals
# (lib/sip-terminals.py: users rb0..rb99, one port and contact each) that REGISTER at the VIP with
# Expires 60 and re-register every 60 s at a random phase. Once all are known, the master's guardian JVM
# is killed with kill -9 (its launcher kills the gatekeeper with it and releases the VIP). A prober on
# the terminal host sends, every probe interval (1 s), a MESSAGE to each user's address of record at
# the VIP: the new master's registrar answers 404 for a user it does not know, and for one it knows
# relays the request to the terminal (warm) or answers 501 (cold sample). Prints, per mode, the time
# from the kill until 50 %, 90 %, 100 % of the terminals are known again and the mean time a terminal
# stayed unknown.
#   testbed/bench-registrations.sh [--modes "cold warm"] [--terminals 100] [--interval 60] [--window 70]
#                                   [--probe-interval 1] [--out DIR]
# The kill falls at a random point of a probe round, so a time is known to within one probe interval.
# Needs root, kamailio and python3; the assembly built (mvn install -DskipTests). It measures; it fails
# only when the set-up does (no master, terminals that cannot register).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
MODES="cold warm" TERMINALS=100 INTERVAL=60 WINDOW=70 PROBE=1 OUT=""
while [ $# -gt 0 ]; do
    case $1 in
        --modes) MODES=$2; shift 2 ;;
        --terminals) TERMINALS=$2; shift 2 ;;
        --interval) INTERVAL=$2; shift 2 ;;
        --window) WINDOW=$2; shift 2 ;;
        --probe-interval) PROBE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "bench-registrations: unknown option '$1' (--modes, --terminals, --interval, --window, --probe-interval, --out)" >&2; exit 2 ;;
    esac
done
for mode in $MODES; do
    case $mode in cold|warm) ;; *) echo "bench-registrations: mode '$mode' is neither cold nor warm" >&2; exit 2 ;; esac
done
[[ $TERMINALS =~ ^[1-9][0-9]*$ && $TERMINALS -le 800 ]] \
    || { echo "bench-registrations: --terminals '$TERMINALS' is not a number from 1 to 800" >&2; exit 2; }
[[ $INTERVAL =~ ^[1-9][0-9]*$ && $WINDOW =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench-registrations: --interval and --window are whole seconds" >&2; exit 2; }
[[ $PROBE =~ ^(0?\.[1-9][0-9]*|[1-9][0-9]*(\.[0-9]+)?)$ ]] \
    || { echo "bench-registrations: --probe-interval '$PROBE' is not a number of seconds from 0.1 on" >&2; exit 2; }
for tool in kamailio python3; do
    command -v "$tool" >/dev/null || { echo "bench-registrations: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
TB_PREFIX=${TB_PREFIX:-rb$$}
source "$here/lib/netns.sh"
source "$here/lib/faults.sh"
source "$here/lib/cluster.sh"
TB_WORK=$(mktemp -d /tmp/gkg-regbench.XXXXXX)
OUT=${OUT:-$TB_WORK/out}
mkdir -p "$OUT"
terminals=$here/lib/sip-terminals.py
members=198.51.100.11,198.51.100.12,198.51.100.13
results=()

# One mode: a fresh testbed of three nodes and a terminal host, removed again at the end.
bench_mode() {
    local mode=$1 i h master="" backups next known log="$OUT/probes-$1.log" killed terminals_pid
    TB_HOSTS=()
    tb_init
    trap 'status=$?; set +e; [ $status -eq 0 ] || tb_gkg_diagnose; tb_destroy; rm -rf "$TB_WORK/karaf" "$TB_WORK"/n?' EXIT
    tb_gkg_unpack
    for i in 1 2 3; do
        h=n$i
        tb_host "$h" "198.51.100.1$i" "203.0.113.1$i"
        tb_gkg_node "$h" "198.51.100.1$i" 100 "$members" default
        if [ "$mode" = cold ]; then
            tb_gkg_kamailio "$h" cold
        else
            tb_gkg_kamailio_replicated "$h" "198.51.100.1$i"
        fi
    done
    tb_host terms "" 203.0.113.100
    for i in 1 2 3; do tb_gkg_start "n$i"; done
    local started=$SECONDS

    master=$(tb_gkg_await_master 120 n1 n2 n3) || { echo "FAIL: $mode: no master with two backups within 120 s"; return 1; }
    backups=$(printf '%s\n' n1 n2 n3 | grep -vx "$master" | paste -sd' ')
    # In warm standby the registrations must reach the backups: wait until every Kamailio runs.
    if [ "$mode" = warm ]; then
        for ((i = 0; i < 300; i++)); do
            [ "$(tb_gkg_kamailio_hosts | wc -w)" = 3 ] && break
            sleep 0.1
        done
    fi
    echo "$mode: $master is master, $backups backups; $TERMINALS terminals register every $INTERVAL s (Expires 60)"

    tb_exec terms python3 "$terminals" run --vip "$TB_VIP" --local 203.0.113.100 --count "$TERMINALS" \
        --interval "$INTERVAL" --expires 60 --probe-interval "$PROBE" --log "$log" > "$OUT/terminals-$mode.txt" 2>&1 &
    terminals_pid=$!
    # Steady: every terminal known for 5 rounds in a row, and the three JVMs 30 s past their start
    # (before that they keep both cores busy, and a fault would measure the machine).
    local steady=0
    for ((i = 0; i < 120; i++)); do
        sleep 1
        known=$(tail -n 5 "$log" 2>/dev/null | awk -v n="$TERMINALS" '$2 == n { c++ } END { print c + 0 }')
        [ "$known" = 5 ] && [ $((SECONDS - started)) -ge 30 ] && { steady=1; break; }
    done
    [ "$steady" = 1 ] || { echo "FAIL: $mode: the terminals did not all register within 120 s"; tail -n 3 "$log" | cut -c1-40; return 1; }
    [ "$(tb_gkg_vip_holders)" = "$master " ] || { echo "FAIL: $mode: the VIP is held by '$(tb_gkg_vip_holders)', expected $master"; return 1; }
    # Replication to the backups is asynchronous (DMQ), and a real cluster has had minutes: 2 s, and a
    # random part of a probe round, so that the first round after the kill is not always a full one away.
    sleep "$(awk -v r="$RANDOM" -v p="$PROBE" 'BEGIN { printf "%.3f", 2 + r / 32768 * p }')"

    killed=$(( $(date +%s%N) / 1000000 ))
    tb_fault_kill9 "$master"
    echo "$mode: kill -9 of $master's guardian JVM at $killed ms (epoch); probing for $WINDOW s"
    sleep $((WINDOW + 1))
    next=""
    for h in $backups; do [ "$(tb_gkg_role "$h")" = master ] && next=$h; done
    results+=("$mode (new master ${next:-none}): $(python3 "$terminals" analyse --log "$log" --kill-ms "$killed" --window "$WINDOW" --probe-interval "$PROBE")")
    echo "${results[-1]}"
    kill "$terminals_pid"; wait "$terminals_pid" 2>/dev/null || true
    tb_destroy
    trap - EXIT
    rm -rf "$TB_WORK/karaf" "$TB_WORK"/n? "$TB_WORK"/*.pid
}

for mode in $MODES; do bench_mode "$mode"; done
echo "---- $TERMINALS terminals, registration interval $INTERVAL s, kill -9 of the master's JVM (probe logs in $OUT)"
printf '%s\n' "${results[@]}"
echo "(${SECONDS} s)"
