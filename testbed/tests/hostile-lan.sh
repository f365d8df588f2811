#!/usr/bin/env bash
# A hostile host on the internal LAN. Three guardians (n1..n3, the default profile) and a host "evil"
# (198.51.100.66) that knows the members' addresses and the cluster name, captured their traffic from
# mirrors of their switch ports (tcpdump, including the TLS handshakes at boot and an operator's
# switchover), and does not know the secret. It
#   (a) replays every captured client-to-server stream to ports 7800 and 7801;
#   (b) runs a real guardian membership stack with another secret (discovery, join, messages, leave),
#       a JGroups channel without TLS, and hand-made frames: a connection preamble claiming a member's
#       address, a forged discovery request mapping a member's name to evil, a forged leave request;
#   (c) floods garbage and 2 GB length prefixes at ports 7800 and 7801, and forged lease datagrams (renewals
#       and answers naming the members, with a tag under no key) and junk at 7800/udp.
# Then, read over SNMP from each node: the same master, the same role, epoch and failover count on
# every node (no role change at all); `gkg:alarms` on every node shows intrusion:198.51.100.66; each
# node logged the refusals of evil at most once per 30 s; and no SNMP walk shows the secret.
# Needs root, tcpdump, snmp (Net-SNMP tools), java, and a full build (assembly and the guardian's test
# classes with target/hostile-lan.classpath).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/cluster.sh"
for tool in tcpdump snmpget snmpwalk java; do
    command -v "$tool" >/dev/null || { echo "hostile-lan: required tool '$tool' is missing (./gkg test installs it)" >&2; exit 1; }
done
g=$repo/bundles/guardian/target
[ -r "$g/hostile-lan.classpath" ] && [ -d "$g/test-classes" ] \
    || { echo "hostile-lan: build bundles/guardian first (mvn install -DskipTests)" >&2; exit 1; }
HOSTILE_CP=$g/test-classes:$g/classes:$(cat "$g/hostile-lan.classpath")

tb_init
TB_WORK=$(mktemp -d /tmp/gkg-hostile.XXXXXX)
trap 'status=$?; set +e; [ $status -eq 0 ] || tb_gkg_diagnose; for pid in "${captures[@]}"; do kill "$pid"; done 2>/dev/null; tb_destroy; rm -rf "$TB_WORK"' EXIT
captures=()
COMMUNITY=$TB_COMMUNITY
members=198.51.100.11,198.51.100.12,198.51.100.13
evil=198.51.100.66

tb_gkg_unpack
for i in 1 2 3; do
    tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"
    tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" default
done
tb_host evil "$evil" ""

snmp() { # snmp HOST OID — one value, read by the node's own agent on its loopback
    { tb_exec "$1" snmpget -m "" -v2c -c "$COMMUNITY" -t 1 -r 2 -Oqv 127.0.0.1:1161 "$2" 2>/dev/null || true; } | tr -d '"'
}
ROLE=.1.3.6.1.4.1.99999.1.1.2.0 EPOCH=.1.3.6.1.4.1.99999.1.1.6.0 MASTER=.1.3.6.1.4.1.99999.1.1.7.0
FAILOVERS=.1.3.6.1.4.1.99999.1.1.13.0
# What an NMS sees of a node: role (2 backup, 3 master), epoch, master's name, failover count.
seen() { echo "role=$(snmp "$1" $ROLE) epoch=$(snmp "$1" $EPOCH) master=$(snmp "$1" $MASTER) failovers=$(snmp "$1" $FAILOVERS)"; }
wait_snmp_role() { # HOST ROLE SECONDS
    local i
    for ((i = 0; i < $3 * 2; i++)); do [ "$(snmp "$1" $ROLE)" = "$2" ] && return 0; sleep 0.5; done
    echo "FAIL: $1 is not role $2 over SNMP after $3 s (it says '$(snmp "$1" $ROLE)')"; exit 1
}
hostile() { tb_exec evil java -cp "$HOSTILE_CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    org.gkguardian.guardian.internal.HostileLan "$@"; }

# The attacker's mirror ports: everything on the members' switch ports, from before boot.
captures=()
for i in 1 2 3; do
    ip netns exec "$(tb_ns sw)" tcpdump -i "l-n$i" -U -s 0 -w "$TB_WORK/capture-n$i.pcap" \
        'tcp port 7800 or tcp port 7801' > "$TB_WORK/tcpdump-n$i.log" 2>&1 &
    captures+=($!)
done
for i in 1 2 3; do tb_gkg_start "n$i"; done
# One master and two backups, whoever was elected (the nodes boot one after the other).
master=""
for ((t = 0; t < 360; t++)); do
    roles="$(snmp n1 $ROLE) $(snmp n2 $ROLE) $(snmp n3 $ROLE)"
    if [ "$(tr ' ' '\n' <<<"$roles" | sort | tr '\n' ' ')" = "2 2 3 " ]; then
        for h in n1 n2 n3; do [ "$(snmp "$h" $ROLE)" = 3 ] && master=$h; done
        [ -n "$master" ] && break
    fi
    sleep 0.5
done
[ -n "$master" ] || { echo "FAIL: no single master with two backups after 180 s (roles: $roles)"; exit 1; }
target=$(printf '%s\n' n1 n2 n3 | grep -vx "$master" | head -1)
# An operator's switchover is on the capture too: replayed, it must not move the master again.
tb_gkg_console "$master" "gkg:switchover $target" | tee "$TB_WORK/switchover.txt"
wait_snmp_role "$target" 3 60
wait_snmp_role "$master" 2 60
sleep 3
for pid in "${captures[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
captures=()
echo "captured $(cat "$TB_WORK"/capture-n*.pcap | wc -c) bytes of the members' traffic (boot, TLS handshakes, the switchover $master -> $target)"
master=$target

# Wait until everything is quiet, then take what each node says as the baseline.
sleep 5
declare -A before
for h in n1 n2 n3; do before[$h]=$(seen "$h"); echo "before: $h ${before[$h]}"; done
[[ "${before[$master]}" == role=3* ]] || { echo "FAIL: $master is not master before the attack"; exit 1; }

echo "---- (a) replay of the captured streams"
for i in 1 2 3; do hostile replay "$TB_WORK/capture-n$i.pcap" "$evil"; done | tee "$TB_WORK/replay.txt"
grep -q "^replay: [1-9][0-9]* captured streams" "$TB_WORK/replay.txt" || { echo "FAIL: nothing captured to replay"; exit 1; }
echo "---- (b) forged discovery, join and leave"
hostile wrongkey "$evil" "$members" 7800 15 | tee "$TB_WORK/wrongkey.txt"
hostile plain "$evil" "$members" 7800 10 | tee "$TB_WORK/plain.txt"
hostile crafted "$evil" "$members" 7800 | tee "$TB_WORK/crafted.txt"
grep -q "largest view we saw had 1 member" "$TB_WORK/wrongkey.txt" || { echo "FAIL: the guardian with another secret joined"; exit 1; }
grep -q "largest view we saw had 1 member" "$TB_WORK/plain.txt" || { echo "FAIL: the JGroups channel in clear joined"; exit 1; }
if grep -q RECEIVED "$TB_WORK/wrongkey.txt"; then echo "FAIL: the intruder received guardian messages"; exit 1; fi
echo "---- (c) flood of garbage at 7800/7801, forged datagrams at 7800/udp"
hostile flood "$evil" "$members" 7800 15 | tee "$TB_WORK/flood.txt"

# Failure detection (5 s) and merge intervals have passed many times over by now; once more for good measure.
sleep 8
fails=0
for h in n1 n2 n3; do
    after=$(seen "$h")
    echo "after:  $h $after"
    [ "$after" = "${before[$h]}" ] || { echo "FAIL: $h changed: before '${before[$h]}', after '$after'"; fails=$((fails + 1)); }
done

for h in n1 n2 n3; do
    alarms=$(tb_gkg_console "$h" "gkg:alarms")
    if grep -q "intrusion:$evil" <<<"$alarms"; then
        echo "$h gkg:alarms: $(grep "intrusion:$evil" <<<"$alarms" | head -1 | tr -s ' ')"
    else
        echo "FAIL: $h's gkg:alarms shows no intrusion alarm for $evil:"; echo "$alarms"; fails=$((fails + 1))
    fi
    # Every attack above took about a minute in all: at most one line per 30 s, so a handful, not thousands.
    lines=$(grep -ac "Refused $evil on the internal LAN" "$TB_WORK/$h/data/log/karaf.log" || true)
    echo "$h logged the refusal of $evil $lines time(s)"
    if [ "$lines" -lt 1 ] || [ "$lines" -gt 6 ]; then echo "FAIL: $h logged $lines refusals of $evil"; fails=$((fails + 1)); fi
    if tb_exec "$h" snmpwalk -m "" -v2c -c "$COMMUNITY" -t 1 -r 1 -On 127.0.0.1:1161 .1.3.6.1.4.1.99999 2>/dev/null \
        | grep -qF -- "$TB_SECRET"; then
        echo "FAIL: the cluster secret appears in $h's SNMP walk"; fails=$((fails + 1))
    fi
    if grep -aqF -- "$TB_SECRET" "$TB_WORK/$h/data/log/karaf.log"; then
        echo "FAIL: the cluster secret appears in $h's log"; fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ] || { echo "FAIL: $fails check(s) failed"; exit 1; }
echo "PASS"
