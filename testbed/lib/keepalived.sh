#!/usr/bin/env bash
# keepalived (Debian's package, VRRPv3) on the same namespace hosts, as the benchmark's yardstick.
# Source after netns.sh. VRRP adverts go over the internal LAN (eth0); the VIP lives on eth1.

# tb_keepalived_start HOST PRIORITY ADVERT_INT [VIP]
tb_keepalived_start() {
    local host=$1 priority=$2 advert=$3 vip=${4:-203.0.113.10} dir="$TB_WORK/$1-keepalived"
    command -v keepalived >/dev/null || { echo "testbed: keepalived is missing (apt-get install keepalived)" >&2; return 1; }
    mkdir -p "$dir"
    cat > "$dir/keepalived.conf" <<CONF
global_defs {
    router_id $host
    vrrp_version 3
    vrrp_garp_master_repeat 5
    vrrp_garp_master_refresh 0
}
vrrp_instance gkg {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $priority
    advert_int $advert
    virtual_ipaddress {
        $vip/24 dev eth1
    }
}
CONF
    tb_exec "$host" keepalived --dont-fork --log-console --vrrp -f "$dir/keepalived.conf" \
        -p "$dir/keepalived.pid" -r "$dir/vrrp.pid" > "$dir/keepalived.log" 2>&1 &
    echo $! > "$TB_WORK/$host-keepalived-parent.pid"
    # The VRRP work is done by keepalived's child process: that is the one a crash takes down.
    local i
    for ((i = 0; i < 100; i++)); do
        [ -s "$dir/vrrp.pid" ] && break
        sleep 0.05
    done
    cat "$dir/vrrp.pid" > "$TB_WORK/$host.pid"
}

# A crash of the whole keepalived (parent and VRRP child), as kill -9 of the service would be.
tb_keepalived_kill9() {
    kill -9 "$(cat "$TB_WORK/$1-keepalived-parent.pid")" "$(cat "$TB_WORK/$1.pid")" 2>/dev/null || true
}
