#!/usr/bin/env bash
# The benchmark's short tier, in the test suite: three nodes with Kamailio in cold standby; one is
# master (the highest address when they boot together; with preemption off, whoever was elected
# first otherwise), holds the VIP and runs the only Kamailio; a terminal registers at the VIP (200 OK).
# The master's guardian JVM is killed with kill -9: the highest remaining address takes the VIP and
# starts its Kamailio, the dead node's launcher released the VIP, the same terminal registers again
# at the same VIP and gets 200 OK from the new master, and the terminal never had two hosts answering
# at once. An NMS reads every survivor's role over SNMP and receives the new master's gkgMasterChanged
# INFORM. Behaviour only: no timing decides the result.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/faults.sh"
source "$here/../lib/cluster.sh"
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-short.XXXXXX)
trap 'status=$?; set +e; [ $status -eq 0 ] || tb_gkg_diagnose; tb_destroy; rm -rf "$TB_WORK"' EXIT
JAR="$here/../target/gk-guardian-testbed.jar"

members=198.51.100.11,198.51.100.12,198.51.100.13
tb_gkg_unpack
for i in 1 2 3; do
    tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"
    # The default profile: three JVMs booting on two cores pause for longer than the fast profile's
    # lease, and this test is about behaviour, not speed.
    tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" default
    tb_gkg_kamailio "n$i" cold
    tb_gkg_cfg "n$i" org.gkguardian.snmp ".notification.targets = v2c-inform:198.51.100.200/162:public"
done
tb_host term "" 203.0.113.100
# The NMS on the internal LAN: snmptrapd acknowledges the guardians' INFORMs and logs them.
tb_host nms 198.51.100.200 ""
printf 'authCommunity log public\n' > "$TB_WORK/snmptrapd.conf"
tb_exec nms snmptrapd -f -m "" -On -C -c "$TB_WORK/snmptrapd.conf" -F 'TRAP %b %v\n' -Lf "$TB_WORK/traps.log" \
    udp:198.51.100.200:162 > /dev/null 2>&1 &
role_by_snmp() { # the gkgNodeRole a node's agent answers the NMS: 2 backup, 3 master
    tb_exec nms snmpget -m "" -v2c -c "$TB_COMMUNITY" -t 1 -r 2 -Oqv "198.51.100.1${1#n}:1161" .1.3.6.1.4.1.99999.1.1.2.0
}
for i in 1 2 3; do tb_gkg_start "n$i"; done

master=$(tb_gkg_await_master 120 n1 n2 n3) || { echo "FAIL: no master with two backups within 120 s"; exit 1; }
others=$(printf '%s\n' n1 n2 n3 | grep -vx "$master" | tr '\n' ' ')
next=$(printf '%s\n' $others | sort | tail -1)   # the highest remaining internal address
# expect_sole_server HOST WHEN — HOST alone holds the VIP and runs Kamailio (cold standby), and the
# terminal's REGISTER at the VIP gets 200 OK from it.
expect_sole_server() {
    local host=$1 when=$2 holders kamailios
    holders=$(tb_gkg_vip_holders)
    [ "$holders" = "$host " ] || { echo "FAIL: $when the VIP is held by '$holders', expected $host only"; exit 1; }
    kamailios=$(tb_gkg_kamailio_hosts)
    [ "$kamailios" = "$host " ] || { echo "FAIL: $when Kamailio runs on '$kamailios', expected $host only (cold standby)"; exit 1; }
    tb_sip_register term alice | grep -q "gkg $host" \
        || { echo "FAIL: $when REGISTER at $TB_VIP was not answered 200 OK by $host"; exit 1; }
}
expect_sole_server "$master" "at start"
echo "$master is master, the only holder of $TB_VIP and the only host running Kamailio; $others are backups;" \
    "the terminal registered at $TB_VIP: 200 OK from $master"

# nice_of PID — field 19 of /proc/PID/stat.
nice_of() { local stat; read -r stat < "/proc/$1/stat"; set -f; set -- ${stat##*) }; set +f; echo "${17}"; }
# The launcher runs its JVM at nice -10 (a busy board must not starve the lease); the gatekeeper it starts
# runs at the nice the launcher was given (0 here), not the guardian's.
jvm_nice=$(nice_of "$(tb_gkg_jvm_pid "$master")")
kamailio_nice=""
for pid in $(ip netns pids "$(tb_ns "$master")"); do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = kamailio ]; then kamailio_nice=$(nice_of "$pid"); break; fi
done
[ "$jvm_nice" = -10 ] || { echo "FAIL: $master's guardian JVM runs at nice '$jvm_nice', expected -10"; exit 1; }
[ "$kamailio_nice" = 0 ] || { echo "FAIL: $master's Kamailio runs at nice '$kamailio_nice', expected 0"; exit 1; }
echo "$master's guardian JVM runs at nice $jvm_nice, its Kamailio at nice $kamailio_nice"

tb_exec term java -cp "$JAR" org.gkguardian.testbed.Prober --iface eth1 --vip "$TB_VIP" --seconds 25 \
    --out "$TB_WORK/probes.csv" &
prober=$!
sleep 2
fault=$(tb_fault_now_us)
tb_fault_kill9 "$master"
echo "kill -9 of $master's guardian JVM"

tb_gkg_wait_role "$next" master 90
wait "$prober"
expect_sole_server "$next" "after the crash"
echo "$next is master, the only holder of $TB_VIP (the launcher of $master released it) and the only host running" \
    "Kamailio; the same terminal registered again at $TB_VIP: 200 OK from $next"

# What an NMS sees: the new master says master, the other survivor backup, and the new master's
# masterChanged INFORM (GK-GUARDIAN-MIB::gkgMasterChanged) reached snmptrapd from its LAN address.
for h in n1 n2 n3; do
    [ "$h" = "$master" ] && continue
    expected=2; [ "$h" = "$next" ] && expected=3
    role=$(role_by_snmp "$h")
    [ "$role" = "$expected" ] || { echo "FAIL: gkgNodeRole of $h over SNMP is '$role', expected $expected"; exit 1; }
done
echo "over SNMP: $next reports master(3), the other survivor backup(2)"
for ((i = 0; i < 100; i++)); do
    grep -q "^TRAP UDP: \\[198\\.51\\.100\\.1${next#n}\\]:[0-9]*->.*\.1\.3\.6\.1\.4\.1\.99999\.0\.1\b" "$TB_WORK/traps.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "^TRAP UDP: \\[198\\.51\\.100\\.1${next#n}\\]:[0-9]*->.*\.1\.3\.6\.1\.4\.1\.99999\.0\.1\b" "$TB_WORK/traps.log" 2>/dev/null \
    || { echo "FAIL: no gkgMasterChanged from $next at the NMS; snmptrapd got:"; cat "$TB_WORK/traps.log" 2>/dev/null; exit 1; }
echo "the NMS received gkgMasterChanged from $next"

java -cp "$JAR" org.gkguardian.testbed.Analyze --probes "$TB_WORK/probes.csv" --fault-us "$fault" \
    --scenario kill-9 --system gkg-default --names "$(tb_mac_names n1 n2 n3)" --expect-takeover --expect-no-double \
    | tee "$TB_WORK/analysis.txt"
grep -q -- "-> $next," "$TB_WORK/analysis.txt" || { echo "FAIL: the terminal did not see the VIP move to $next"; exit 1; }
echo "PASS"
