#!/usr/bin/env bash
# Registrations survive a failover in warm standby: three nodes run Kamailio with the sample
# etc/kamailio/kamailio-warm.cfg, started through bin/gkg-kamailio-dmq, whose DMQ peers are the
# guardian's members (data/gkguardian/members, written by the guardian). Two terminals (alice, bob)
# register at the VIP with the master. The master's guardian JVM is killed with kill -9; without
# anyone registering again, alice sends OPTIONS to bob's address of record at the VIP until one
# reaches bob's contact (seen by tcpdump on bob's host), relayed by the new master from its
# replicated location table. Prints the time from the kill to that arrival; behaviour decides.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TB_PREFIX=${TB_PREFIX:-mi$$}
source "$here/../lib/netns.sh"
source "$here/../lib/faults.sh"
source "$here/../lib/cluster.sh"
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-warm.XXXXXX)
trap 'status=$?; set +e; [ $status -eq 0 ] || tb_gkg_diagnose; tb_destroy; rm -rf "$TB_WORK"' EXIT
for tool in kamailio sipsak tcpdump; do
    command -v "$tool" >/dev/null || { echo "testbed: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done

members=198.51.100.11,198.51.100.12,198.51.100.13
tb_gkg_unpack
for i in 1 2 3; do
    h=n$i
    tb_host "$h" "198.51.100.1$i" "203.0.113.1$i"
    tb_gkg_node "$h" "198.51.100.1$i" 100 "$members" default
    tb_gkg_kamailio_replicated "$h" "198.51.100.1$i"
done
tb_host alice "" 203.0.113.101
tb_host bob "" 203.0.113.102
for i in 1 2 3; do tb_gkg_start "n$i"; done

master=$(tb_gkg_await_master 120 n1 n2 n3) || { echo "FAIL: no master with two backups within 120 s"; exit 1; }
backups=$(printf '%s\n' n1 n2 n3 | grep -vx "$master" | tr '\n' ' ')
next=$(printf '%s\n' $backups | sort | tail -1)   # the highest remaining internal address

# register USER HOST — a REGISTER of USER's contact (HOST's public address, port 5070) at the VIP, for 10 min.
register() {
    local out
    out=$(tb_exec "$2" sipsak -U -i -x 600 -C "sip:$1@$(tb_exec "$2" ip -4 -br addr show dev eth1 | awk '{print $3}' | cut -d/ -f1):5070" \
        -s "sip:$1@$TB_VIP:5060" -vvv 2>&1) || true
    grep -q '^SIP/2.0 200 OK' <<<"$out"
}
# DMQ needs its peers: the registrations are sent to the backups only once they found each other.
ok=0
for ((i = 0; i < 60; i++)); do
    if register alice alice && register bob bob; then ok=1; break; fi
    sleep 0.5
done
[ "$ok" = 1 ] || { echo "FAIL: alice and bob could not register at $TB_VIP"; exit 1; }
holders=$(tb_gkg_vip_holders)
[ "$holders" = "$master " ] || { echo "FAIL: the VIP is held by '$holders', expected $master"; exit 1; }
echo "$master is master and holds $TB_VIP; alice and bob registered there (200 OK); $backups are backups running Kamailio"
sleep 2   # replication to the backups is asynchronous: give DMQ a moment, as a real cluster has minutes

# Only what the new master relays counts: the old master's Kamailio may outlive its JVM for a moment.
tb_exec bob tcpdump -i eth1 -n -l -tt -A "udp dst port 5070 and ether src $(tb_mac "$next")" \
    > "$TB_WORK/bob.pcap.txt" 2>/dev/null &
sleep 1
killed=$(date +%s%N)
tb_fault_kill9 "$master"
echo "kill -9 of $master's guardian JVM"
arrived=""
for ((i = 0; i < 300; i++)); do
    tb_exec alice timeout 1 sipsak -c "sip:alice@203.0.113.101:5070" -s "sip:bob@$TB_VIP:5060" > /dev/null 2>&1 &
    sleep 0.1
    arrived=$(grep -a -m1 -B3 "OPTIONS sip:bob@" "$TB_WORK/bob.pcap.txt" 2>/dev/null | grep -aoE '^[0-9]+\.[0-9]+ IP' \
        | tail -1 | cut -d' ' -f1) || true
    [ -z "$arrived" ] || break
done
if [ -z "$arrived" ]; then
    echo "FAIL: no OPTIONS reached bob within 30 s of the kill; one more, verbosely:"
    tb_exec alice timeout 3 sipsak -c "sip:alice@203.0.113.101:5070" -s "sip:bob@$TB_VIP:5060" -vv 2>&1 \
        | grep -aE '^(SIP/2.0|received|no response)' | head -5
    for h in $backups; do
        echo "---- $h: Kamailio"
        grep -a "kamailio" "$TB_WORK/$h/data/log/karaf.log" | grep -avE 'OPTIONS' | cut -c1-250 | tail -n 15
    done
    exit 1
fi
elapsed=$(awk -v a="$arrived" -v k="$killed" 'BEGIN { printf "%d", a * 1000 - k / 1000000 }')
tb_gkg_wait_role "$next" master 30
holders=$(tb_gkg_vip_holders)
[ "$holders" = "$next " ] || { echo "FAIL: after the kill the VIP is held by '$holders', expected $next"; exit 1; }
echo "alice's OPTIONS to sip:bob@$TB_VIP reached bob's contact through the new master $next, $elapsed ms after the kill, without any new REGISTER"
echo "PASS (${SECONDS} s)"
