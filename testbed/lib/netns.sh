#!/usr/bin/env bash
# Network-namespace hosts for GK Guardian's tests, benchmark and demo. Source this file.
#
# Every host is a namespace named "$TB_PREFIX-<host>". The LAN switch is a bridge living in its own
# namespace "$TB_PREFIX-sw", so nothing at all is added to the machine's own namespace. Hosts get
# addresses only from 198.51.100.0/24 (internal LAN, on eth0) and 203.0.113.0/24 (public side, on
# eth1), and no default route. tb_destroy removes everything; tb_init installs it as an EXIT trap.
#
#   source testbed/lib/netns.sh
#   tb_init                                  # TB_PREFIX defaults to gkg<pid>
#   tb_host n1 198.51.100.11 203.0.113.11    # internal LAN address, public address (optional)
#   tb_host term "" 203.0.113.100            # a terminal only on the public side
#   tb_exec n1 ip -br addr
#   tb_link_down n1 eth0; tb_link_up n1 eth0
#
# TB_ONE_LINK=yes: every host has one interface, eth1, on one switch, with its internal and its public address
# (a common layout of boards with a single port); TB_LAN_IF, the interface of the internal LAN, is then eth1, and
# "eth0" in tb_link_down/up names that one cable.

TB_PREFIX=${TB_PREFIX:-gkg$$}
TB_ONE_LINK=${TB_ONE_LINK:-no}
if [ "$TB_ONE_LINK" = yes ]; then TB_LAN_IF=eth1; else TB_LAN_IF=${TB_LAN_IF:-eth0}; fi
TB_HOSTS=()

tb_ns() { printf '%s-%s' "$TB_PREFIX" "$1"; }

tb_init() {
    [ "$(id -u)" = 0 ] || { echo "testbed: network namespaces need root" >&2; return 1; }
    command -v ip >/dev/null || { echo "testbed: iproute2 (ip) is missing" >&2; return 1; }
    trap tb_destroy EXIT
    trap 'exit 130' INT TERM
    local sw; sw=$(tb_ns sw)
    ip netns add "$sw"
    ip -n "$sw" link set lo up
    # One bridge per side; STP off and no forward delay, so a port that comes back forwards at once.
    local br
    for br in lan pub; do
        ip -n "$sw" link add "$br" type bridge stp_state 0 forward_delay 0
        ip -n "$sw" link set "$br" up
    done
}

# tb_host NAME INTERNAL_ADDRESS [PUBLIC_ADDRESS] — either address may be empty.
tb_host() {
    local name=$1 lan_addr=$2 pub_addr=${3:-} ns sw
    ns=$(tb_ns "$name"); sw=$(tb_ns sw)
    ip netns add "$ns"
    TB_HOSTS+=("$name")
    ip -n "$ns" link set lo up
    if [ "$TB_ONE_LINK" = yes ]; then
        _tb_port "$ns" "$sw" eth1 "p-$name" pub
        [ -z "$lan_addr" ] || ip -n "$ns" addr add "$lan_addr/24" dev eth1
        [ -z "$pub_addr" ] || ip -n "$ns" addr add "$pub_addr/24" dev eth1
        return 0
    fi
    if [ -n "$lan_addr" ]; then
        _tb_port "$ns" "$sw" eth0 "l-$name" lan
        ip -n "$ns" addr add "$lan_addr/24" dev eth0
    fi
    if [ -n "$pub_addr" ]; then
        _tb_port "$ns" "$sw" eth1 "p-$name" pub
        ip -n "$ns" addr add "$pub_addr/24" dev eth1
    fi
}

# A veth pair: one end named IFNAME in the host, the other plugged into the switch's bridge.
_tb_port() {
    local ns=$1 sw=$2 ifname=$3 port=$4 bridge=$5
    ip link add "$ifname" netns "$ns" type veth peer name "$port" netns "$sw"
    ip -n "$sw" link set "$port" master "$bridge" up
    ip -n "$ns" link set "$ifname" up
}

tb_exec() { local name=$1; shift; ip netns exec "$(tb_ns "$name")" "$@"; }

# Cut or restore a host's cable (the switch side, as if the cable were pulled).
tb_link_down() { ip -n "$(tb_ns sw)" link set "$(_tb_port_name "$1" "${2:-eth0}")" down; }
tb_link_up() { ip -n "$(tb_ns sw)" link set "$(_tb_port_name "$1" "${2:-eth0}")" up; }
_tb_port_name() { if [ "$2" = eth1 ] || [ "$TB_ONE_LINK" = yes ]; then printf 'p-%s' "$1"; else printf 'l-%s' "$1"; fi; }

# Remove every namespace of this prefix. Processes still running in them are ended first, by PID.
tb_destroy() {
    set +e   # runs from EXIT traps, under errexit: every step must run
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$TB_PREFIX-" || true); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
}
