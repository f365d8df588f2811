#!/usr/bin/env bash
# VIP binding on namespace hosts, through the real ipbinding code (VipNode, a stand-in guardian from
# the bundle's test classes) under the real launcher bin/gkg-node of the assembly:
#   - node a binds 203.0.113.10; the client pings it and has a's MAC in its neighbour table;
#   - node b's duplicate address check refuses to bind while a holds it (conflict);
#   - the VIP moves a -> b -> a ... (release, then bind + gratuitous ARP): the client, pinging every
#     10 ms, sees the new master's MAC; bind+announce time and client outage are printed per move;
#   - kill -9 of b's JVM: gkg-node releases b's VIP;
#   - SIGSTOP of a's JVM: gkg-node's watchdog kills it, on the tighter limit a node holding the VIP asks
#     for in its keep-alives, and releases a's VIP;
#   - an operator's "ip addr del" of the VIP shows in VipControl.status() within a second (ip monitor;
#     the full read runs only every 10 s), and a bind puts it back;
#   - kill -9 of a launcher: its JVM gets the parent-death signal, releases its VIP and ends;
#   - a second launcher of a running node is refused and leaves the node's VIP alone;
#   - SIGTERM to b's launcher: the JVM releases on shutdown, the launcher exits;
#   - a node whose arping.command is neither arping refuses every bind with the same clear error.
# Needs root, iproute2, arping (either), ping (iputils), java, setsid, and bundles/ipbinding built
# (its test classes and target/vip-node.classpath). MOVES: how many moves to measure (default 3).
# DAD=false measures the moves without the duplicate address check (the conflict case is skipped).
# ARP_SOCKET: true (default, as shipped) sends ARP from the JVM through a packet socket, and the nodes must
# run no arping at all; false runs ARPING for every probe and announcement (vip-failover-iputils.sh).
# ARPING: the arping both nodes use without the socket (default: arping on PATH); vip-failover-iputils.sh
# passes iputils'.
# DAD_TIMEOUT_MS: the duplicate address check's window (default 50, as shipped).
#   bash testbed/tests/vip-failover.sh        (also run by the testbed's NamespaceScriptsIT)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
moves=${MOVES:-3}
dad=${DAD:-true}
arping=${ARPING:-arping}
arp_socket=${ARP_SOCKET:-true}
dad_timeout=${DAD_TIMEOUT_MS:-50}
vip=203.0.113.10
fails=0
passes=0

for tool in ip "$arping" ping java setsid awk; do
    command -v "$tool" >/dev/null || { echo "vip-failover: required tool '$tool' is missing" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "vip-failover: needs root (network namespaces)" >&2; exit 1; }
ipb=$repo/bundles/ipbinding/target
if [ -z "${GKG_CLASSPATH:-}" ]; then
    [ -r "$ipb/vip-node.classpath" ] && [ -d "$ipb/test-classes" ] \
        || { echo "vip-failover: build bundles/ipbinding first (mvn install -DskipTests)" >&2; exit 1; }
    GKG_CLASSPATH=$ipb/test-classes:$ipb/classes:$(cat "$ipb/vip-node.classpath")
fi

launcher=$repo/karaf-assembly/src/main/resources/assembly/bin/gkg-node
source "$repo/testbed/lib/netns.sh"
work=$(mktemp -d /tmp/gkg-vip.XXXXXX)
tb_init
cleanup() { tb_destroy; rm -rf -- "$work"; }
trap cleanup EXIT

ok() { passes=$((passes + 1)); echo "ok - $*"; }
not_ok() { fails=$((fails + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
ms() { date +%s%3N; }

# wait_for SECONDS COMMAND...: true as soon as COMMAND succeeds, false after SECONDS.
wait_for() {
    local limit=$(( $(ms) + $1 * 1000 )); shift
    until "$@"; do [ "$(ms)" -lt "$limit" ] || return 1; sleep 0.01; done
}

tb_host a 198.51.100.11 203.0.113.11
tb_host b 198.51.100.12 203.0.113.12
tb_host c "" 203.0.113.100
mac_a=$(tb_exec a cat /sys/class/net/eth1/address)
mac_b=$(tb_exec b cat /sys/class/net/eth1/address)

# start_node HOST [ARPING [ARP_SOCKET]]
start_node() {
    local n=$1 dir=$work/$1 node_arping=${2:-$arping} node_socket=${3:-$arp_socket}
    mkdir -p "$dir/etc" "$dir/data" "$dir/ctl"
    cat > "$dir/etc/org.gkguardian.ipbinding.cfg" <<CFG
vips = $vip/24@eth1
garp.count = 3
garp.interval.ms = 100
refresh.interval.s = 5
dad.enabled = $dad
dad.timeout.ms = $dad_timeout
arping.command = $node_arping
arp.socket = $node_socket
address.check.interval.s = 10
CFG
    : > "$dir/out"
    tb_exec "$n" "$launcher" --base "$dir" --watchdog-timeout 600 --keepalive-interval 100 \
        --startup-grace 30000 -- \
        java -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$GKG_CLASSPATH" -Dkaraf.data="$dir/data" \
        -Dvipnode.master.watchdog.ms=100 \
        -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
        org.gkguardian.ipbinding.internal.VipNode "$dir/etc/org.gkguardian.ipbinding.cfg" "$dir/ctl" \
        > "$dir/out" 2> "$dir/log" &
    wait_for 30 grep -q READY "$dir/out"
    # tb_exec is a function: $! would be a subshell, not the launcher.
    eval "launcher_$n=$(cat "$dir/data/gkg-node.pid")"
}

# ask NODE COMMAND EXPECTED: drop a control file, wait for the node's answer line, print it.
ask() {
    local n=$1 cmd=$2 expect=$3 dir=$work/$1 before
    before=$(wc -l < "$dir/out")
    touch "$dir/ctl/$cmd"
    wait_for 15 eval "tail -n +$((before + 1)) '$dir/out' | grep -qE '^(BOUND|CONFLICT|FAULT|RELEASED|ANNOUNCED|STATUS)'" || true
    answer=$(tail -n +$((before + 1)) "$dir/out" | grep -E '^(BOUND|CONFLICT|FAULT|RELEASED|ANNOUNCED|STATUS)' | head -1)
    [[ $answer == $expect* ]]
}

holds() { tb_exec "$1" ip -o -4 addr show dev eth1 to "$vip/32" label eth1:gkg | grep -q "$vip/24"; }
free() { ! tb_exec "$1" ip -o addr show dev eth1 to "$vip/32" | grep -q .; }
client_sees() { tb_exec c ip neigh show "$vip" dev eth1 | grep -q "lladdr $1"; }
# The launcher's children are the JVM and its ip -batch releaser: the JVM is the java one.
jvm_of() {
    local launcher_pid
    eval "launcher_pid=\$launcher_$1"
    ps -o pid=,comm= --ppid "$launcher_pid" | awk '$2 == "java" { print $1 }'
}
gone() { ! kill -0 "$1" 2>/dev/null; }

start_node a
start_node b
check "a and b start without a VIP" eval 'free a && free b'

check "a binds the VIP" ask a bind BOUND
echo "# a: $answer"
check "a's eth1 holds $vip/24 labelled eth1:gkg" holds a
check "the client pings the VIP" tb_exec c ping -c 1 -W 2 "$vip"
check "the client's neighbour table has a's MAC $mac_a" client_sees "$mac_a"
check "a's status says the VIP is bound" ask a status "STATUS bound=true"
grep -h "Using " "$work/a/log" | sed 's/^/# a: /'
if [ "$arp_socket" = true ]; then
    check "a sends ARP through its packet socket" grep -q "Using ARP packet sockets in the JVM" "$work/a/log"
fi

# An operator removes the VIP by hand: status() (from memory, fed by ip monitor) must say so at once.
t0=$(ms); tb_exec a ip addr del "$vip/24" dev eth1
check "after an operator's ip addr del, a's status says unbound within 1 s (the full read is every 10 s)" \
    wait_for 1 ask a status "STATUS bound=false"
echo "# ip addr del by hand -> status unbound: $(( $(ms) - t0 )) ms"
check "a binds the VIP again" ask a bind BOUND
check "a's status says bound again" ask a status "STATUS bound=true"

if [ "$dad" = true ]; then
    check "b refuses to bind while a answers for the VIP (duplicate address check)" ask b bind CONFLICT
    echo "# b: $answer"
    check "b's eth1 does not hold the VIP" free b
fi

from=a; to=b
for i in $(seq 1 "$moves"); do
    tb_exec c ping -D -n -i 0.01 -W 1 "$vip" > "$work/ping.$i" 2>&1 &
    pinger=$!
    sleep 0.3
    check "move $i: $from releases the VIP" ask "$from" release RELEASED
    released=$answer
    check "move $i: $from's eth1 no longer holds it" free "$from"
    check "move $i: $to binds it" ask "$to" bind BOUND
    bound=$answer
    mac=$mac_a; [ "$to" = b ] && mac=$mac_b
    check "move $i: the client sees $to's MAC $mac within 1 s (gratuitous ARP)" wait_for 1 client_sees "$mac"
    sleep 0.5
    kill "$pinger"; wait "$pinger" 2>/dev/null || true
    outage=$(awk -F'[][]' '/bytes from/ { t = $2 + 0; if (prev && t - prev > gap) gap = t - prev; prev = t }
        END { printf "%.0f", gap * 1000 }' "$work/ping.$i")
    echo "# move $i $from->$to: release ${released#RELEASED }, bind ${bound#BOUND }, client outage ${outage} ms (largest gap between ping replies, ping -i 0.01)"
    tmp=$from; from=$to; to=$tmp
done

# Once the VIP is gone, the launcher leaves the master's limit: back to its own 600 ms, and to its idle timeout once the
# node says that no VIP is bound there any more (at once, when the release took before the next keep-alive).
check "a's launcher left the master's limit once a let the VIP go" \
    grep -qE "watchdog: (600 ms from now on \(back to --watchdog-timeout\)|5000 ms from now on \(--idle-timeout: no VIP is bound here\))" "$work/a/log"

# Make b the holder for the kill -9 case.
if holds a; then ask a release RELEASED; ask b bind BOUND; fi
check "b holds the VIP before kill -9" holds b
jvm_b=$(jvm_of b)
t0=$(ms); kill -9 "$jvm_b"
check "after kill -9 of b's JVM ($jvm_b), gkg-node releases b's VIP" wait_for 5 free b
echo "# kill -9 of the JVM -> VIP gone from b: $(( $(ms) - t0 )) ms (seen by this script's polling of ip addr)"
check "b's launcher says how long the release took" grep -q "VIPs released in .* (1 removed" "$work/b/log"
grep -h "VIPs released in" "$work/b/log" | sed 's/^/# b: /'
check "b's launcher exits" wait_for 5 gone "$launcher_b"

check "a binds the VIP again" ask a bind BOUND
check "a, holding the VIP, asks its launcher for a 100 ms watchdog (its lease's limit)" \
    wait_for 2 grep -q "watchdog: 100 ms from now on" "$work/a/log"
jvm_a=$(jvm_of a)
t0=$(ms); kill -STOP "$jvm_a"
check "after SIGSTOP of a's JVM ($jvm_a), the watchdog kills it and releases a's VIP" wait_for 5 free a
echo "# SIGSTOP of the JVM -> VIP gone from a: $(( $(ms) - t0 )) ms (launcher timeout 600 ms, the master's limit 100 ms, keep-alive every 20 ms while it holds the VIP)"
check "a's launcher killed it on the master's limit, not on its own 600 ms" \
    grep -q "watchdog: no keep-alive for 100 ms" "$work/a/log"
check "a's JVM is gone" wait_for 5 gone "$jvm_a"
check "a's launcher exits" wait_for 5 gone "$launcher_a"

# The launcher dies: its JVM gets SIGTERM (parent-death signal), its shutdown hook releases the VIP.
start_node a
check "a binds the VIP again" ask a bind BOUND
jvm_a=$(jvm_of a)
kill -9 "$launcher_a"
check "after kill -9 of a's launcher, a's JVM ($jvm_a) ends" wait_for 10 gone "$jvm_a"
check "and a's VIP is gone" free a
check "a's JVM released it itself" grep -q "Released VIP" "$work/a/log"

# A second start of a running node: refused before it touches anything, the VIP stays where it is.
start_node b
check "b binds the VIP again" ask b bind BOUND
second=0
tb_exec b "$launcher" --base "$work/b" -- sleep 60 > "$work/second.out" 2>&1 || second=$?
check "a second launcher of node b exits with status 3" test "$second" = 3
check "it names the running launcher" grep -q "already running (launcher PID $launcher_b" "$work/second.out"
sed 's/^/# /' "$work/second.out"
check "b still holds the VIP and its launcher still runs" eval 'holds b && ! gone "$launcher_b"'
check "b's JVM still answers" ask b announce ANNOUNCED

# An operator's stop: SIGTERM to the launcher; the JVM's shutdown hook and then the launcher remove the VIP.
t0=$(ms); kill -TERM "$launcher_b"
check "after SIGTERM to b's launcher, b's VIP is gone and the launcher exits" wait_for 10 eval 'free b && gone "$launcher_b"'
echo "# SIGTERM to the launcher -> VIP gone and launcher exited: $(( $(ms) - t0 )) ms"
check "the JVM released the VIP itself before the launcher's release ran" grep -q "Released VIP" "$work/b/log"

if [ "$arp_socket" = true ]; then
    # Every probe and gratuitous ARP above went through the socket: an arping would have logged "Using arping".
    check "neither node ran arping" eval '! grep -q "Using arping\|Cannot send ARP from the JVM" "$work/a/log" "$work/b/log"'
fi

# An arping that is neither Habets' nor iputils', with the socket off: every bind fails the same way, never
# as a conflict.
start_node b /usr/bin/true false
check "with arping.command /usr/bin/true, b refuses to bind (fault, not conflict)" ask b bind FAULT
first=$answer
echo "# b: $first"
check "the refusal names the packages to install" eval '[[ $first == *iputils-arping* ]]'
check "a second bind fails with the same message" ask b bind FAULT
check "the message is the same" eval '[ "$answer" = "$first" ]'
check "b's eth1 does not hold the VIP" free b
check "b's log has one ERROR about arping" eval '[ "$(grep -c "ERROR.*arping.command" "$work/b/log")" = 1 ]'
touch "$work/b/ctl/exit"
check "b stops" wait_for 10 gone "$launcher_b"
grep -h 'gkg-node' "$work/a/log" "$work/b/log" | sed 's/^/# /'

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
