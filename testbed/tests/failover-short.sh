#!/usr/bin/env bash
# The benchmark's short tier, in the test suite: three nodes with Kamailio in cold standby; the
# highest internal address is master, holds the VIP and runs the only Kamailio; a terminal registers
# at the VIP (200 OK). The master's guardian JVM is killed with kill -9: the next highest takes the
# VIP and starts its Kamailio, the dead node's launcher released the VIP, the same terminal registers
# again at the same VIP and gets 200 OK from the new master, and the terminal never had two hosts
# answering at once. Behaviour only: no timing decides the result.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/faults.sh"
source "$here/../lib/cluster.sh"
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-short.XXXXXX)
trap 'status=$?; [ $status -eq 0 ] || tb_gkg_diagnose; tb_destroy; rm -rf "$TB_WORK"' EXIT
JAR="$here/../target/gk-guardian-testbed.jar"

members=198.51.100.11,198.51.100.12,198.51.100.13
tb_gkg_unpack
for i in 1 2 3; do
    tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"
    tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" fast
    tb_gkg_kamailio "n$i" cold
done
tb_host term "" 203.0.113.100
for i in 1 2 3; do tb_gkg_start "n$i"; done

tb_gkg_wait_role n3 master 120
tb_gkg_wait_role n2 backup 60
tb_gkg_wait_role n1 backup 60
holders=$(tb_gkg_vip_holders)
[ "$holders" = "n3 " ] || { echo "FAIL: VIP held by '$holders', expected n3 only"; exit 1; }
echo "n3 is master and the only holder of $TB_VIP"
kamailios=$(tb_gkg_kamailio_hosts)
[ "$kamailios" = "n3 " ] || { echo "FAIL: Kamailio runs on '$kamailios', expected n3 only (cold standby)"; exit 1; }
tb_sip_register term alice | grep -q "gkg n3" || { echo "FAIL: REGISTER at $TB_VIP was not answered 200 OK by n3"; exit 1; }
echo "Kamailio runs on n3 only; the terminal registered at $TB_VIP: 200 OK from n3"

tb_exec term java -cp "$JAR" org.gkguardian.testbed.Prober --iface eth1 --vip "$TB_VIP" --seconds 12 \
    --out "$TB_WORK/probes.csv" &
prober=$!
sleep 2
fault=$(tb_fault_now_us)
tb_fault_kill9 n3
echo "kill -9 of n3's guardian JVM"

tb_gkg_wait_role n2 master 30
wait "$prober"
holders=$(tb_gkg_vip_holders)
[ "$holders" = "n2 " ] || { echo "FAIL: after the crash the VIP is held by '$holders', expected n2 only"; exit 1; }
echo "n2 is master and the only holder of $TB_VIP; n3's launcher released it"
kamailios=$(tb_gkg_kamailio_hosts)
[ "$kamailios" = "n2 " ] || { echo "FAIL: Kamailio runs on '$kamailios', expected n2 only (cold standby)"; exit 1; }
tb_sip_register term alice | grep -q "gkg n2" || { echo "FAIL: REGISTER at $TB_VIP was not answered 200 OK by n2"; exit 1; }
echo "Kamailio runs on n2 only; the same terminal registered again at $TB_VIP: 200 OK from n2"

java -cp "$JAR" org.gkguardian.testbed.Analyze --probes "$TB_WORK/probes.csv" --fault-us "$fault" \
    --scenario kill-9 --system gkg-fast --names "$(tb_mac_names n1 n2 n3)" --expect-takeover --expect-no-double
new_owner=$(java -cp "$JAR" org.gkguardian.testbed.Analyze --probes "$TB_WORK/probes.csv" --fault-us "$fault" \
    --scenario kill-9 --system gkg-fast --names "$(tb_mac_names n1 n2 n3)" | grep -o -- '-> [a-z0-9]*' || true)
[ "$new_owner" = "-> n2" ] || { echo "FAIL: the terminal saw the VIP move '$new_owner', expected '-> n2'"; exit 1; }
echo "PASS"
