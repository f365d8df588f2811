#!/usr/bin/env bash
# keepalived (Debian's package, VRRPv3) on the same namespace hosts, as the benchmark's yardstick.
# Source after netns.sh. VRRP adverts go over the internal LAN ($TB_LAN_IF: eth0, or eth1 with TB_ONE_LINK); the VIP
# lives on eth1.

# tb_keepalived_start HOST PRIORITY ADVERT_INT [VIP]
tb_keepalived_start() {
    local host=$1 priority=$2 advert=$3 vip=${4:-203.0.113.10} dir="$TB_WORK/$1-keepalived"
    command -v keepalived >/dev/null || { echo "testbed: keepalived is missing (apt-get install keepalived)" >&2; return 1; }
    mkdir -p "$dir"
    # A restart after kill -9 finds the dead instance's pid files: the wait below must see the new ones.
    rm -f "$dir/keepalived.pid" "$dir/vrrp.pid"
    cat > "$dir/keepalived.conf" <<CONF
global_defs {
    router_id $host
    vrrp_version 3
    vrrp_garp_master_repeat 5
    vrrp_garp_master_refresh 0
}
vrrp_instance gkg {
    state BACKUP
    interface $TB_LAN_IF
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
    # The VRRP work is done by keepalived's child process: that is the one SIGSTOP must hit.
    local i
    for ((i = 0; i < 400; i++)); do
        [ -s "$dir/vrrp.pid" ] && [ -s "$dir/keepalived.pid" ] && break
        sleep 0.05
    done
    [ -s "$dir/vrrp.pid" ] && [ -s "$dir/keepalived.pid" ] || { echo "testbed: keepalived on $host wrote no pid files in 20 s; see $dir/keepalived.log" >&2; return 1; }
    cat "$dir/vrrp.pid" > "$TB_WORK/$host.pid"
}

# A crash of the whole keepalived, as kill -9 of the service would be: the main process (from its pid
# file; left alive, it respawns a killed VRRP child within seconds) and the VRRP child, both by PID.
tb_keepalived_kill9() {
    local dir="$TB_WORK/$1-keepalived"
    kill -9 "$(cat "$dir/keepalived.pid")" "$(cat "$dir/vrrp.pid")" 2>/dev/null || true
}
