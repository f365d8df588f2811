#!/usr/bin/env bash
# Fault injection on namespace hosts. Source after netns.sh. Every function names the host it hurts;
# the process faults act on the PID in "$TB_WORK/<host>.pid" (the guardian JVM, or keepalived).

tb_fault_now_us() { echo $(( $(date +%s%N) / 1000 )); }

tb_main_pid() { cat "$TB_WORK/$1.pid"; }

# kill -9 of the node's main process: a crash, or the OOM killer.
tb_fault_kill9() { kill -9 "$(tb_main_pid "$1")"; }

# SIGSTOP / SIGCONT: a hung JVM, a long GC pause.
tb_fault_stop() { kill -STOP "$(tb_main_pid "$1")"; }
tb_fault_cont() { kill -CONT "$(tb_main_pid "$1")"; }

# Pull / plug a host's cable (internal LAN by default, eth1 for the public side).
tb_fault_link_down() { tb_link_down "$1" "${2:-eth0}"; }
tb_fault_link_up() { tb_link_up "$1" "${2:-eth0}"; }

# Partition: HOST drops everything to and from the internal addresses given, both ways, and its own
# multicast (VRRP adverts go to 224.0.0.18), with nftables in its own namespace; the link stays up.
# tb_fault_heal HOST removes it.
tb_fault_partition() {
    local host=$1; shift
    local set; set=$(IFS=,; echo "$*")
    tb_exec "$host" nft -f - <<NFT
table inet gkgpartition {
    chain input { type filter hook input priority 0; ip saddr { $set } drop; }
    chain output { type filter hook output priority 0; ip daddr { $set, 224.0.0.0/4 } drop; }
}
NFT
}
tb_fault_heal() { tb_exec "$1" nft delete table inet gkgpartition 2>/dev/null || true; }

# Random loss of PERCENT % of a host's internal LAN traffic, both ways, with nftables (works where the
# kernel has no sch_netem, as on the machines this was measured on). tb_fault_loss_clear lifts it. With
# TB_ONE_LINK the public side shares the interface, and its traffic is lost too.
tb_fault_loss() {
    tb_exec "$1" nft -f - <<NFT
table inet gkgloss {
    chain input { type filter hook input priority 0; iifname "$TB_LAN_IF" numgen random mod 100 < $2 drop; }
    chain output { type filter hook output priority 0; oifname "$TB_LAN_IF" numgen random mod 100 < $2 drop; }
}
NFT
}
tb_fault_loss_clear() { tb_exec "$1" nft delete table inet gkgloss 2>/dev/null || true; }

# Packet loss and delay on a host's internal interface with tc netem (needs the kernel's sch_netem),
# e.g. tb_fault_netem n1 loss 20% delay 30ms.
tb_fault_netem() { local host=$1; shift; tb_exec "$host" tc qdisc replace dev "$TB_LAN_IF" root netem "$@"; }
tb_fault_netem_clear() { tb_exec "$1" tc qdisc del dev "$TB_LAN_IF" root 2>/dev/null || true; }

# Flapping: the cable goes down and up COUNT times, DOWN and UP seconds each.
tb_fault_flap() {
    local host=$1 count=${2:-5} down=${3:-0.3} up=${4:-0.7} i
    for ((i = 0; i < count; i++)); do
        tb_link_down "$host"; sleep "$down"; tb_link_up "$host"; sleep "$up"
    done
}
