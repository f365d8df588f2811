#!/usr/bin/env bash
# How long the launcher takes to remove a dead node's VIP: from kill -9 of its child (or, with --fault stop, its
# SIGSTOP: the watchdog's case) to the kernel's "Deleted" event for the address (ip -ts monitor address, in the
# host's namespace), idle and with both cores saturated by stress-ng. Run as root, under `flock /work/heavy.lock` on a shared machine; it
# measures and decides nothing.
#
#   testbed/bench-release.sh [--launcher PATH] [--runs N] [--load "idle busy"] [--fault kill|stop]
#                            [--child-mb MB] [--watchdog-timeout MS]
#
# The child stands in for the JVM: a small shell loop that sends the launcher's keep-alives (to the FIFO
# GKG_WATCHDOG_FIFO of bin/gkg-node; for an older launcher that reads a keep-alive file
# GKG_WATCHDOG_FILE, to that file) and holds nothing else; with --child-mb it is a Python loop that first touches
# that much memory, whose release at its exit takes the kernel a while, as a JVM's does. The VIP 203.0.113.10/24 is on eth1, labelled
# eth1:gkg, and named in data/ipbinding/bound-vips and etc/org.gkguardian.ipbinding.cfg, as the guardian
# leaves them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"

launcher=$here/../karaf-assembly/src/main/resources/assembly/bin/gkg-node
runs=10
loads="idle busy"
fault=kill
child_mb=0
watchdog_ms=600
while [ $# -gt 0 ]; do
    case $1 in
        --launcher) launcher=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --load) loads=$2; shift 2 ;;
        --fault) fault=$2; shift 2 ;;
        --child-mb) child_mb=$2; shift 2 ;;
        --watchdog-timeout) watchdog_ms=$2; shift 2 ;;
        *) echo "bench-release: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$launcher" ] || { echo "bench-release: no launcher at $launcher" >&2; exit 1; }
command -v stress-ng >/dev/null || { echo "bench-release: stress-ng is missing" >&2; exit 1; }
vip=203.0.113.10
work=$(mktemp -d /tmp/gkg-release.XXXXXX)
tb_init
stress=""
cleanup() { [ -z "$stress" ] || kill "$stress" 2>/dev/null; tb_destroy; rm -rf -- "$work"; }
trap cleanup EXIT
tb_host a 198.51.100.11 203.0.113.11

cat > "$work/child.sh" <<'CHILD'
i=0
if [ -n "${GKG_WATCHDOG_FIFO:-}" ]; then
    exec 3> "$GKG_WATCHDOG_FIFO"
    while :; do i=$((i + 1)); echo "$$ $i" >&3; sleep 0.1 3>&-; done
fi
while :; do i=$((i + 1)); echo "$$ $i" > "$GKG_WATCHDOG_FILE"; sleep 0.1; done
CHILD
cat > "$work/child.py" <<'CHILD'
import os, sys, time
memory = bytearray(int(sys.argv[1]) * 1024 * 1024)
for page in range(0, len(memory), 4096):
    memory[page] = 1
with open(os.environ["GKG_WATCHDOG_FIFO"], "w") as fifo:
    beat = 0
    while True:
        beat += 1
        fifo.write(f"{os.getpid()} {beat}\n")
        fifo.flush()
        time.sleep(0.05)
CHILD
case $fault in kill|stop) ;; *) echo "bench-release: --fault is kill or stop, not '$fault'" >&2; exit 2 ;; esac
child_command=(bash "$work/child.sh")
[ "$child_mb" = 0 ] || child_command=(python3 "$work/child.py" "$child_mb")

# One run: bind, start the launcher, wait for its child to send keep-alives, kill -9 the child, and print
# the milliseconds from the kill to the address's deletion.
one_run() {
    local base=$work/node t0 t1 child line i
    rm -rf "$base"; mkdir -p "$base/etc" "$base/data/ipbinding"
    echo "vips = $vip/24@eth1" > "$base/etc/org.gkguardian.ipbinding.cfg"
    echo "$vip/24@eth1" > "$base/data/ipbinding/bound-vips"
    tb_exec a ip addr add "$vip/24" dev eth1 label eth1:gkg
    tb_exec a "$launcher" --base "$base" --startup-grace 30000 --watchdog-timeout "$watchdog_ms" -- "${child_command[@]}" \
        2> "$base/launcher.log" &
    for ((i = 0; i < 300; i++)); do grep -q "first keep-alive\|keep-alive from" "$base/launcher.log" 2>/dev/null && break; sleep 0.05; done
    # An old launcher reads its keep-alive file every 50 ms: give it a few.
    sleep 0.5
    # The launcher's children: the child it supervises and (new launcher) its ip -batch releaser.
    child=$(ps -o pid=,comm= --ppid "$(cat "$base/data/gkg-node.pid")" | awk '$2 != "ip" { print $1; exit }')
    tb_exec a ip -ts monitor address > "$work/monitor" 2>&1 &
    local monitor=$!
    sleep 0.3
    t0=$(date +%s%N)
    if [ "$fault" = stop ]; then kill -STOP "$child"; else kill -9 "$child"; fi
    for ((i = 0; i < 200; i++)); do grep -aq "Deleted.*$vip" "$work/monitor" && break; sleep 0.05; done
    kill "$monitor" 2>/dev/null; wait "$monitor" 2>/dev/null || true
    line=$(grep -a -m1 "Deleted.*$vip" "$work/monitor" || true)
    wait 2>/dev/null || true
    if [ -z "$line" ]; then echo "-"; tb_exec a ip addr del "$vip/24" dev eth1 2>/dev/null || true; return; fi
    # "[2026-12-02T02:50:01.123456] Deleted 2: eth1 inet ..."
    t1=$(date -d "$(echo "$line" | sed 's/^\[\([^]]*\)\].*/\1/' | tr T ' ')" +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}

for load in $loads; do
    if [ "$load" = busy ]; then stress-ng --cpu 2 --quiet & stress=$!; sleep 2; fi
    values=()
    for ((run = 1; run <= runs; run++)); do values+=("$(one_run)"); done
    if [ -n "$stress" ]; then kill "$stress"; wait "$stress" 2>/dev/null || true; stress=""; fi
    sorted=$(printf '%s\n' "${values[@]}" | grep -v '^-$' | sort -n | tr '\n' ' ')
    set -- $sorted
    printf '%s, %s: %s of the child -> VIP deleted, ms: min %s median %s max %s (%d runs: %s)\n' \
        "$(basename "$launcher")" "$load" "$( [ "$fault" = stop ] && echo "SIGSTOP (watchdog ${watchdog_ms} ms)" || echo "kill -9")" "${1:--}" "$( [ $# -gt 0 ] && eval echo \${$(( ($# + 1) / 2 ))} || echo -)" \
        "$( [ $# -gt 0 ] && echo "${!#}" || echo -)" "$#" "${values[*]}"
done
