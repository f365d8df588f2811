#!/usr/bin/env bash
# Issue 7's "a bundle restart leaves no VIP bound", where a VIP may be bound: one node in a namespace
# host, master with 203.0.113.10 on eth1. Stopping the guardian bundle from the Karaf console
# releases the VIP (nothing of ours is left on the interface), and starting it again brings the node
# back to master with the VIP; the same for the lifecycle bundle, which the guardian needs.
# (Not the ipbinding bundle: it also sends the launcher's keep-alives, and the watchdog kills a JVM
# whose keep-alives stop; see gkg-node.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/netns.sh"
source "$here/../lib/cluster.sh"
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-restart.XXXXXX)
trap 'status=$?; set +e; [ $status -eq 0 ] || tb_gkg_diagnose; tb_destroy; rm -rf "$TB_WORK"' EXIT

tb_gkg_unpack
tb_host n1 198.51.100.11 203.0.113.11
tb_gkg_node n1 198.51.100.11 100 198.51.100.11 default
tb_gkg_start n1
tb_gkg_wait_role n1 master 120
[ "$(tb_gkg_vip_holders)" = "n1 " ] || { echo "FAIL: the master does not hold $TB_VIP"; exit 1; }
echo "n1 is master and holds $TB_VIP"

vip_bound() { tb_exec n1 ip -br addr show dev eth1 | grep -q " $TB_VIP/"; }
wait_vip() { # wait_vip yes|no SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        if vip_bound; then [ "$1" = yes ] && return 0; else [ "$1" = no ] && return 0; fi
        sleep 0.1
    done
    return 1
}

for bundle in org.gkguardian.guardian org.gkguardian.lifecycle; do
    tb_gkg_console n1 "bundle:stop $bundle"
    wait_vip no 30 || { echo "FAIL: $TB_VIP still bound after bundle:stop $bundle"; exit 1; }
    echo "bundle:stop $bundle: $TB_VIP released"
    tb_gkg_console n1 "bundle:start $bundle"
    wait_vip yes 60 || { echo "FAIL: $TB_VIP not bound again after bundle:start $bundle"; exit 1; }
    tb_gkg_wait_role n1 master 30
    echo "bundle:start $bundle: master again with $TB_VIP"
done
echo "PASS"
