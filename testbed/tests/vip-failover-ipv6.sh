#!/usr/bin/env bash
# An IPv6 VIP moving between namespace hosts through the real ipbinding code (VipNode under gkg-node),
# with the kernel's duplicate address detection as the conflict check and its unsolicited neighbour
# advertisements (net.ipv6.conf.eth1.ndisc_notify=1, na.command empty) as the announcement:
#   - a binds 2001:db8::10/64; the client pings it and has a's MAC in its neighbour table;
#   - b's bind while a holds it fails as a conflict (the kernel's DAD fails) and leaves nothing bound;
#   - an operator's "ip addr del" of the VIP on a shows in status at once, and a binds it again;
#   - the VIP moves a -> b -> a: the client sees the new holder's MAC.
# Addresses from 2001:db8::/32 only, inside the namespaces. Needs root, iproute2, ping (iputils), java,
# setsid, and bundles/ipbinding built (test classes and target/vip-node.classpath).
#   bash testbed/tests/vip-failover-ipv6.sh        (also run by the testbed's NamespaceScriptsIT)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
vip=2001:db8::10
moves=${MOVES:-2}
fails=0
passes=0

for tool in ip ping java setsid; do
    command -v "$tool" >/dev/null || { echo "vip-failover-ipv6: required tool '$tool' is missing" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "vip-failover-ipv6: needs root (network namespaces)" >&2; exit 1; }
ipb=$repo/bundles/ipbinding/target
if [ -z "${GKG_CLASSPATH:-}" ]; then
    [ -r "$ipb/vip-node.classpath" ] && [ -d "$ipb/test-classes" ] \
        || { echo "vip-failover-ipv6: build bundles/ipbinding first (mvn install -DskipTests)" >&2; exit 1; }
    GKG_CLASSPATH=$ipb/test-classes:$ipb/classes:$(cat "$ipb/vip-node.classpath")
fi

source "$repo/testbed/lib/netns.sh"
work=$(mktemp -d /tmp/gkg-vip6.XXXXXX)
tb_init
cleanup() { tb_destroy; rm -rf -- "$work"; }
trap cleanup EXIT

ok() { passes=$((passes + 1)); echo "ok - $*"; }
not_ok() { fails=$((fails + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
ms() { date +%s%3N; }
wait_for() {
    local limit=$(( $(ms) + $1 * 1000 )); shift
    until "$@"; do [ "$(ms)" -lt "$limit" ] || return 1; sleep 0.01; done
}

# Public side only: the client and both nodes on 2001:db8::/64. A quicker kernel DAD (one probe, 200 ms)
# keeps the test short; the node announces through the kernel (ndisc_notify).
n=1
for h in a b c; do
    tb_host "$h" "" 203.0.113.$((10 + n))
    tb_exec "$h" sysctl -qw net.ipv6.conf.eth1.dad_transmits=1 net.ipv6.neigh.eth1.retrans_time_ms=200 \
        net.ipv6.conf.eth1.ndisc_notify=1
    tb_exec "$h" ip -6 addr add "2001:db8::$((20 + n))/64" dev eth1 nodad
    n=$((n + 1))
done
mac_a=$(tb_exec a cat /sys/class/net/eth1/address)
mac_b=$(tb_exec b cat /sys/class/net/eth1/address)

start_node() {
    local n=$1 dir=$work/$1
    mkdir -p "$dir/etc" "$dir/data" "$dir/ctl"
    cat > "$dir/etc/org.gkguardian.ipbinding.cfg" <<CFG
vips = $vip/64@eth1
garp.count = 1
refresh.interval.s = 0
ipv6.dad.timeout.ms = 3000
na.command =
address.check.interval.s = 10
CFG
    : > "$dir/out"
    tb_exec "$n" "$repo/karaf-assembly/src/main/resources/assembly/bin/gkg-node" --base "$dir" --watchdog-timeout 600 --keepalive-interval 100 \
        --startup-grace 30000 -- \
        java -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$GKG_CLASSPATH" -Dkaraf.data="$dir/data" \
        -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
        org.gkguardian.ipbinding.internal.VipNode "$dir/etc/org.gkguardian.ipbinding.cfg" "$dir/ctl" \
        > "$dir/out" 2> "$dir/log" &
    wait_for 30 grep -q READY "$dir/out"
}

ask() {
    local n=$1 cmd=$2 expect=$3 dir=$work/$1 before
    before=$(wc -l < "$dir/out")
    touch "$dir/ctl/$cmd"
    wait_for 15 eval "tail -n +$((before + 1)) '$dir/out' | grep -qE '^(BOUND|CONFLICT|FAULT|RELEASED|STATUS)'" || true
    answer=$(tail -n +$((before + 1)) "$dir/out" | grep -E '^(BOUND|CONFLICT|FAULT|RELEASED|STATUS)' | head -1)
    [[ $answer == $expect* ]]
}

holds() { tb_exec "$1" ip -o -6 addr show dev eth1 | grep -v tentative | grep -q " $vip/64 "; }
free() { ! tb_exec "$1" ip -o -6 addr show dev eth1 | grep -q " $vip/64 "; }
client_sees() { tb_exec c ip -6 neigh show "$vip" dev eth1 | grep -q "lladdr $1"; }

start_node a
start_node b
check "a and b start without the VIP" eval 'free a && free b'

check "a binds the IPv6 VIP (after the kernel's duplicate address detection)" ask a bind BOUND
echo "# a: $answer"
check "a's eth1 holds $vip/64, no longer tentative" holds a
check "the client pings the VIP" tb_exec c ping -6 -c 1 -W 2 "$vip"
check "the client's neighbour table has a's MAC $mac_a" client_sees "$mac_a"

check "b refuses to bind while a holds the VIP (kernel DAD fails: conflict)" ask b bind CONFLICT
echo "# b: $answer"
check "b's eth1 does not keep the VIP" wait_for 2 free b

t0=$(ms); tb_exec a ip -6 addr del "$vip/64" dev eth1 || true
check "after an operator's ip addr del, a's status says unbound within 1 s" wait_for 1 ask a status "STATUS bound=false"
echo "# ip addr del by hand -> status unbound: $(( $(ms) - t0 )) ms"
check "a binds the VIP again" ask a bind BOUND

from=a; to=b
for i in $(seq 1 "$moves"); do
    check "move $i: $from releases the VIP" ask "$from" release RELEASED
    check "move $i: $from's eth1 no longer holds it" free "$from"
    check "move $i: $to binds it" ask "$to" bind BOUND
    echo "# move $i $from->$to: bind $answer"
    mac=$mac_a; [ "$to" = b ] && mac=$mac_b
    check "move $i: the client sees $to's MAC $mac within 2 s (unsolicited neighbour advertisement)" \
        wait_for 2 client_sees "$mac"
    check "move $i: the client pings the VIP" tb_exec c ping -6 -c 1 -W 2 "$vip"
    tmp=$from; from=$to; to=$tmp
done

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
