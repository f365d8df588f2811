#!/usr/bin/env bash
# The failover benchmark: the same faults against keepalived (VRRPv3, advert_int 1 and 0.1) and GK
# Guardian (default and fast profiles) on the same namespace topology, in one run. Run as root after
# a build (./gkg test or mvn install -DskipTests). Prints the table and writes PNG timelines.
#
#   testbed/bench.sh [--runs N] [--out DIR] [--systems "gkg-fast gkg-default keepalived-0.1 keepalived-1"]
#                    [--scenarios "kill-9 sigstop link-down"] [--stress-seconds S]
#
# For every system and scenario, N runs: the fault hits the current VIP owner at a random point,
# the terminal's prober records who answers ARP (and SIP where a gatekeeper runs), the run's figures
# go to OUT/results.csv and its timeline to OUT/<system>-<scenario>-<run>.png. Then RSS and idle CPU
# per node, and (with --stress-seconds) false failovers while stress-ng saturates both cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/faults.sh"
source "$here/lib/keepalived.sh"
source "$here/lib/cluster.sh"

runs=5
out=$here/target/bench
systems="keepalived-1 keepalived-0.1 gkg-default gkg-fast"
scenarios="kill-9 sigstop link-down"
stress_seconds=0
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --systems) systems=$2; shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --stress-seconds) stress_seconds=$2; shift 2 ;;
        *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
for tool in keepalived arping java; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done
JAR="$here/target/gk-guardian-testbed.jar"
[ -f "$JAR" ] || { echo "bench: build first ($JAR missing)" >&2; exit 1; }
mkdir -p "$out"
: > "$out/results.csv"
: > "$out/resources.txt"
members=198.51.100.11,198.51.100.12,198.51.100.13

owner() { tb_gkg_vip_holders | awk '{print $1}'; }

wait_single_owner() {
    local i h
    for ((i = 0; i < 600; i++)); do
        h=$(tb_gkg_vip_holders)
        if [ "$(echo "$h" | wc -w)" = 1 ]; then echo "${h% }"; return 0; fi
        sleep 0.1
    done
    echo "bench: no single VIP owner (holders: '$(tb_gkg_vip_holders)')" >&2
    return 1
}

start_system() {
    local system=$1 host i
    case $system in
        keepalived-*)
            for i in 1 2 3; do tb_keepalived_start "n$i" $((100 + i)) "${system#keepalived-}"; done ;;
        gkg-*)
            for i in 1 2 3; do
                rm -rf "${TB_WORK:?}/n$i"
                tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" "${system#gkg-}"
            done
            for i in 1 2 3; do tb_gkg_start "n$i"; done ;;
    esac
    wait_single_owner > /dev/null
}

# Bring a node back after a fault, as an operator would: restart what was killed, lift what was cut.
restore() {
    local system=$1 scenario=$2 host=$3
    case $scenario in
        sigstop) tb_fault_cont "$host" ;;
        link-down) tb_fault_link_up "$host" ;;
    esac
    case $system in
        keepalived-*)
            if [ "$scenario" = kill-9 ]; then
                # A crashed keepalived leaves its VIP behind (measured): remove it, then restart.
                tb_exec "$host" ip addr del "$TB_VIP/24" dev eth1 2>/dev/null || true
                tb_keepalived_start "$host" $((100 + ${host#n})) "${system#keepalived-}"
            fi ;;
        gkg-*)
            if [ "$scenario" = kill-9 ] || [ "$scenario" = sigstop ]; then
                # The launcher ended with the JVM (or killed the stopped one); start the node again.
                tb_gkg_stop "$host"
                tb_gkg_start "$host"
                tb_gkg_wait_role "$host" backup 120 || true
            fi ;;
    esac
    sleep 3
    wait_single_owner > /dev/null
}

inject() {
    local system=$1 scenario=$2 host=$3
    case $scenario in
        kill-9) if [[ $system == keepalived-* ]]; then tb_keepalived_kill9 "$host"; else tb_fault_kill9 "$host"; fi ;;
        sigstop) tb_fault_stop "$host" ;;
        link-down) tb_fault_link_down "$host" ;;
        *) echo "bench: unknown scenario $scenario" >&2; return 1 ;;
    esac
}

measure_resources() {
    local system=$1 host pid rss cpu1 cpu2 hz
    hz=$(getconf CLK_TCK)
    for host in n1 n2 n3; do
        pid=$(cat "$TB_WORK/$host.pid")
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); sleep 10; cpu2=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        awk -v s="$system" -v h="$host" -v r="$rss" -v c="$((cpu2 - cpu1))" -v hz="$hz" \
            'BEGIN { printf "%s %s RSS %d MiB, idle CPU %.2f%%\n", s, h, r / 1024, c * 100 / hz / 10 }' \
            | tee -a "$out/resources.txt"
    done
}

count_false_failovers() {
    local system=$1 seconds=$2 before after stress
    command -v stress-ng >/dev/null || { echo "bench: stress-ng is missing" >&2; return 1; }
    before=$(owner)
    stress-ng --cpu 2 --timeout "${seconds}s" --quiet &
    stress=$!
    local changes=0 last=$before now i
    for ((i = 0; i < seconds * 10; i++)); do
        now=$(tb_gkg_vip_holders)
        if [ "$now" != "$last " ] && [ "$now" != "$last" ]; then changes=$((changes + 1)); last=${now% }; fi
        sleep 0.1
    done
    wait "$stress" || true
    echo "$system: $changes VIP owner changes in ${seconds}s with both cores saturated (stress-ng --cpu 2)" \
        | tee -a "$out/resources.txt"
}

for system in $systems; do
    tb_init
    TB_WORK=$(mktemp -d /tmp/gkg-bench.XXXXXX)
    TB_HOSTS=()
    for i in 1 2 3; do tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"; done
    tb_host term "" 203.0.113.100
    [[ $system == gkg-* ]] && tb_gkg_unpack
    echo "== $system: starting"
    start_system "$system"
    names=$(tb_mac_names n1 n2 n3)
    for scenario in $scenarios; do
        for ((run = 1; run <= runs; run++)); do
            victim=$(wait_single_owner)
            tb_exec term java -cp "$JAR" org.gkguardian.testbed.Prober --iface eth1 --vip "$TB_VIP" --seconds 8 \
                --no-sip --out "$TB_WORK/probes.csv" &
            prober=$!
            # The fault lands at a random point of the heartbeat / advert cycle.
            sleep "2.$(printf '%03d' $((RANDOM % 1000)))"
            fault=$(tb_fault_now_us)
            inject "$system" "$scenario" "$victim"
            wait "$prober" || true
            java -cp "$JAR" org.gkguardian.testbed.Analyze --probes "$TB_WORK/probes.csv" --fault-us "$fault" \
                --scenario "$scenario" --system "$system" --run "$run" --names "$names" \
                --results "$out/results.csv" --png "$out/$system-$scenario-$run.png" || true
            restore "$system" "$scenario" "$victim"
        done
    done
    if [[ $system == gkg-* ]]; then
        measure_resources "$system"
        [ "$stress_seconds" -gt 0 ] && count_false_failovers "$system" "$stress_seconds"
    fi
    tb_destroy
    rm -rf "$TB_WORK"
done

echo
java -cp "$JAR" org.gkguardian.testbed.Report "$out/results.csv" keepalived-0.1 | tee "$out/table.txt"
cat "$out/resources.txt"
echo "timelines: $out/*.png"
