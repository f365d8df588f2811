#!/usr/bin/env bash
# The sample Kamailio registrar (karaf-assembly/.../etc/kamailio/kamailio.cfg) started the way the
# lifecycle sample configuration starts it:
#   1. as root in a node's network namespace, listening on the VIP before the VIP is bound
#      (ip_free_bind) and on loopback for the probe; once the VIP is bound a terminal on the public
#      side registers at the VIP with sipsak (REGISTER -> 200 OK);
#   2. as a normal user (nobody) on loopback, ports from the lifecycle range.
# Needs root, ip, kamailio, sipsak, runuser. Exits non-zero on any failure; cleans up on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SAMPLE=$ROOT/karaf-assembly/src/main/resources/assembly/etc/kamailio/kamailio.cfg
# shellcheck source=../lib/netns.sh
source "$ROOT/testbed/lib/netns.sh"

for tool in kamailio sipsak runuser ip; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing" >&2; exit 1; }
done
[ -f "$SAMPLE" ] || { echo "FAIL: $SAMPLE is missing" >&2; exit 1; }

WORK=$(mktemp -d)
USER_PID=""
cleanup() {
    [ -n "$USER_PID" ] && kill -9 "$USER_PID" 2>/dev/null || true
    tb_destroy
    rm -rf "$WORK"
}
tb_init
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
# Wait up to ~5 s for an OPTIONS answer from $2 ($1: namespace host or "-" for this namespace).
wait_options() {
    local host=$1 uri=$2 i
    for i in $(seq 50); do
        if [ "$host" = - ]; then sipsak -s "$uri" >/dev/null 2>&1 && return 0
        else tb_exec "$host" sipsak -s "$uri" >/dev/null 2>&1 && return 0; fi
        sleep 0.1
    done
    return 1
}
register() { # host uri contact
    local out
    if [ "$1" = - ]; then out=$(sipsak -U -i -C "$3" -s "$2" -vvv 2>&1) || return 1
    else out=$(tb_exec "$1" sipsak -U -i -C "$3" -s "$2" -vvv 2>&1) || return 1; fi
    grep -q '^SIP/2.0 200 OK' <<<"$out"
}

echo "== 1. root in a namespace, listening on the VIP before it is bound"
tb_host gk 198.51.100.11 203.0.113.11
tb_host term "" 203.0.113.100
mkdir -p "$WORK/run-root"
tb_exec gk kamailio -f "$SAMPLE" -DD -E -Y "$WORK/run-root" -m 32 -M 4 -A CHILDREN=1 \
    -l udp:203.0.113.10:5060 -l tcp:203.0.113.10:5060 -l udp:127.0.0.1:5060 >"$WORK/root.log" 2>&1 &
wait_options gk sip:probe@127.0.0.1:5060 || { cat "$WORK/root.log"; fail "no OPTIONS answer on the loopback listener"; }
echo "ok: answers OPTIONS on 127.0.0.1:5060 while the VIP is not bound"
register term sip:alice@203.0.113.10:5060 sip:alice@203.0.113.100:5070 && fail "REGISTER at an unbound VIP was answered"
# What the ipbinding bundle does on promotion, here by hand inside the namespace.
tb_exec gk ip addr add 203.0.113.10/24 dev eth1
register term sip:alice@203.0.113.10:5060 sip:alice@203.0.113.100:5070 || fail "REGISTER at the VIP did not get 200 OK"
echo "ok: terminal REGISTER at the VIP 203.0.113.10:5060 -> 200 OK"

echo "== 2. a normal user (nobody) on loopback"
mkdir -p "$WORK/user/run"
cp "$SAMPLE" "$WORK/user/kamailio.cfg"
chmod 755 "$WORK" "$WORK/user"; chmod 644 "$WORK/user/kamailio.cfg"; chown nobody "$WORK/user/run"
runuser -u nobody -- kamailio -f "$WORK/user/kamailio.cfg" -DD -E -Y "$WORK/user/run" -m 32 -M 4 -A CHILDREN=1 \
    -l udp:127.0.0.1:15064 -l tcp:127.0.0.1:15064 >"$WORK/user.log" 2>&1 &
USER_PID=$!
wait_options - sip:probe@127.0.0.1:15064 || { cat "$WORK/user.log"; fail "kamailio as nobody does not answer"; }
register - sip:bob@127.0.0.1:15064 sip:bob@127.0.0.1:15065 || fail "REGISTER as nobody did not get 200 OK"
owner=$(ps -o user= -p "$(pgrep -P "$USER_PID" -x kamailio | head -1 || echo "$USER_PID")" 2>/dev/null | head -1)
[ "$owner" = nobody ] || fail "kamailio runs as '${owner:-?}', not nobody"
echo "ok: kamailio running as $owner answers OPTIONS and REGISTER on 127.0.0.1:15064"
kill "$USER_PID"; wait "$USER_PID" 2>/dev/null || true; USER_PID=""
echo "PASS lifecycle-kamailio"
