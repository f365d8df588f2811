#!/usr/bin/env bash
# The Debian package under a real systemd as PID 1: a minimal Debian 12 (debootstrap from deb.debian.org,
# kept in testbed/target/pk-debian-base for the next run) booted with systemd-nspawn in a network namespace
# of its own (--private-network), with a veth pair pk0/pk1 inside it carrying the VIP 203.0.113.10/24.
#   apt install ./gk-guardian_*.deb, systemctl enable --now gk-guardian   -> master, VIP bound
#   the service's user and capabilities (/proc/PID/status of the JVM)
#   kill -9 the JVM      -> the VIP is released, systemd restarts the node, the VIP comes back
#   SIGSTOP the JVM      -> the launcher's watchdog kills it, the VIP is released, systemd restarts it
#   apt install of a newer version (an upgrade) -> etc/ and the epoch kept, the node runs again
#   apt remove           -> the node is stopped, no VIP is left, etc/ and the epoch stay
# Run as root after the build (mvn install -DskipTests):  testbed/systemd-proof.sh [--keep]
# It installs debootstrap and systemd-container on this host when missing and changes nothing else here:
# every address lives in the container's own network namespace, which goes with it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
target=$repo/testbed/target
DEB=${DEB:-$(ls "$repo"/deb-package/target/gk-guardian_*_all.deb 2>/dev/null | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
base=$target/pk-debian-base
tree=$target/pk-systemd-proof
machine=pk-gkg-proof
VIP=203.0.113.10
keep=0
[ "${1:-}" = --keep ] && keep=1

say() { printf '\n== %s\n' "$*"; }
failures=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; failures=$((failures + 1)); }

[ "$(id -u)" = 0 ] || { echo "systemd-proof: run as root" >&2; exit 1; }
[ -f "$DEB" ] || { echo "systemd-proof: no package under deb-package/target: run mvn install -DskipTests first" >&2; exit 1; }
missing=()
command -v debootstrap > /dev/null || missing+=(debootstrap)
command -v systemd-nspawn > /dev/null || missing+=(systemd-container)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x "$base/usr/bin/java" ]; then
    say "debootstrap: Debian 12 (bookworm, minbase) with systemd and the package's dependencies into $base"
    rm -rf "$base.tmp"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,iproute2,arping,adduser,procps,default-jre-headless \
        bookworm "$base.tmp" "$MIRROR" > "$target/pk-debootstrap.log" 2>&1 \
        || { tail -20 "$target/pk-debootstrap.log"; echo "systemd-proof: debootstrap failed" >&2; exit 1; }
    mv "$base.tmp" "$base"
fi

nspawn=""
cleanup() {
    if [ -n "$nspawn" ] && kill -0 "$nspawn" 2>/dev/null; then
        # SIGTERM: nspawn asks the container's systemd to power off.
        kill -TERM "$nspawn" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$nspawn" 2>/dev/null || true
        wait "$nspawn" 2>/dev/null || true
    fi
    [ "$keep" = 1 ] || rm -rf "$tree"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

rm -rf "$tree"
cp -a "$base" "$tree"
version=$(dpkg-deb -f "$DEB" Version)
cp "$DEB" "$tree/root/"
# The upgrade: the same package at a higher version (conffiles unchanged, as in a real upgrade that does
# not touch them).
say "making $version+proof1 for the upgrade"
rm -rf "$target/pk-upgrade" && mkdir -p "$target/pk-upgrade"
dpkg-deb -R "$DEB" "$target/pk-upgrade/pkg"
sed -i "s/^Version: .*/Version: $version+proof1/" "$target/pk-upgrade/pkg/DEBIAN/control"
dpkg-deb -Zgzip -z1 --root-owner-group -b "$target/pk-upgrade/pkg" "$tree/root/gk-guardian_${version}+proof1_all.deb" > /dev/null
rm -rf "$target/pk-upgrade"

say "booting $tree with systemd-nspawn -b --private-network"
# --register=no --keep-unit: this host's PID 1 is not systemd (no machined, no system bus to ask for a scope).
systemd-nspawn -D "$tree" -M "$machine" -b --private-network --register=no --keep-unit --console=passive \
    > "$target/pk-nspawn.log" 2>&1 &
nspawn=$!
leader=""
for _ in $(seq 1 100); do
    leader=$(ps -o pid= --ppid "$nspawn" 2>/dev/null | head -1 | tr -d ' ' || true)
    [ -n "$leader" ] && [ "$(cat "/proc/$leader/comm" 2>/dev/null)" = systemd ] && break
    leader=""; sleep 0.2
done
[ -n "$leader" ] || { cat "$target/pk-nspawn.log"; echo "systemd-proof: the container's systemd did not start" >&2; exit 1; }
# A command in the container: all its namespaces, its root, a clean environment.
inside() { nsenter -t "$leader" -m -u -i -n -p -r -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c "$1"; }
state=$(inside 'systemctl is-system-running --wait' || true)
echo "PID 1 in the container: $(inside 'readlink /proc/1/exe; systemctl --version | head -1' | tr '\n' ' '), system $state"

vip_bound() { inside "ip -4 -o addr show dev pk0 | grep -q ' $VIP/'"; }
# wait_until SECONDS 'COMMAND IN THE CONTAINER': polls every 0.1 s in the container; prints the seconds it took.
wait_until() {
    inside "t0=\${EPOCHREALTIME/./}; end=\$(( t0 + $1 * 1000000 )); while ! { $2; } > /dev/null 2>&1; do
          [ \${EPOCHREALTIME/./} -lt \$end ] || exit 1; sleep 0.1; done
        t1=\${EPOCHREALTIME/./}; printf '%d.%02d\n' \$(( (t1 - t0) / 1000000 )) \$(( (t1 - t0) % 1000000 / 10000 ))"
}
jvm_pid() { inside 'pgrep -u gk-guardian -x java | head -1'; }
service_value() { inside "systemctl show -p $1 --value gk-guardian"; }

say "apt install ./$(basename "$DEB")"
inside "ip link add pk0 type veth peer name pk1 && ip link set pk0 up && ip link set pk1 up && ip addr add 203.0.113.2/24 dev pk1"
inside "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/$(basename "$DEB") 2>&1 | grep -E '^(Setting up|Unpacking|E:)'"
inside 'dpkg -s gk-guardian | grep -E "^(Status|Version)"'
inside 'getent passwd gk-guardian' && ok "postinst created the system user gk-guardian" || bad "no user gk-guardian"
inside 'ls -ld /etc/gk-guardian /var/lib/gk-guardian /opt/gk-guardian/etc /opt/gk-guardian/data'
[ "$(inside 'systemctl is-enabled gk-guardian' || true)" = disabled ] && ok "installed, not enabled nor started" || bad "the package enabled the service itself"

say "configure a VIP (203.0.113.10/24 on pk0), systemctl enable --now gk-guardian"
inside "printf '\nvips = $VIP/24@pk0\n' >> /etc/gk-guardian/org.gkguardian.ipbinding.cfg"
inside 'systemctl enable --now gk-guardian 2>&1'
if took=$(wait_until 180 "ip -4 -o addr show dev pk0 | grep -q ' $VIP/'"); then
    ok "VIP $VIP bound on pk0 ${took} s after systemctl enable --now"
else
    bad "no VIP within 180 s"; inside 'systemctl status gk-guardian --no-pager -l | tail -20; tail -30 /var/lib/gk-guardian/log/karaf.log'
fi
inside "ip -4 -o addr show dev pk0"
sleep 5
restarts0=$(service_value NRestarts)
pid=$(jvm_pid)
echo "systemctl: $(service_value ActiveState)/$(service_value SubState), MainPID $(service_value MainPID) (the launcher), JVM $pid, NRestarts $restarts0"
inside "ps -o user,pid,ppid,args -u gk-guardian --forest | cut -c1-150"
status=$(inside "grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/$pid/status")
printf '%s\n' "$status" | sed 's/^/    /'
uid=$(inside 'id -u gk-guardian')
[ "$(awk '/^Uid/ {print $2}' <<< "$status")" = "$uid" ] && ok "the JVM runs as gk-guardian (uid $uid)" || bad "the JVM's uid is not gk-guardian's"
capeff=$(awk '/^CapEff/ {print $2}' <<< "$status")
# CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13.
[ "$capeff" = 0000000000003000 ] && ok "CapEff $capeff = CAP_NET_ADMIN + CAP_NET_RAW, nothing else" || bad "CapEff $capeff"
[ "$(awk '/^CapBnd/ {print $2}' <<< "$status")" = 0000000000003000 ] && ok "bounding set: those two only" || bad "bounding set wider"
epoch_file=/var/lib/gk-guardian/gkguardian/epoch
# The epoch file's first field is the epoch (then the epoch of the last vote and whom it went to).
epoch() { inside "read -r e _ < $epoch_file && echo \$e" || echo none; }
echo "epoch: $(epoch) ($epoch_file: $(inside "cat $epoch_file"))"

say "kill -9 the JVM ($pid)"
if took=$(inside "kill -9 $pid; t0=\${EPOCHREALTIME/./}; while ip -4 -o addr show dev pk0 | grep -q ' $VIP/'; do sleep 0.005; done
          t1=\${EPOCHREALTIME/./}; echo \$(( (t1 - t0) / 1000 ))"); then
    ok "VIP released ${took} ms after kill -9"
fi
if took=$(wait_until 180 "[ \$(systemctl show -p NRestarts --value gk-guardian) -gt $restarts0 ] && ip -4 -o addr show dev pk0 | grep -q ' $VIP/'"); then
    pid2=$(jvm_pid)
    ok "systemd restarted the node (NRestarts $(service_value NRestarts)); new JVM $pid2 holds the VIP again ${took} s after the release"
else
    bad "no restart with the VIP within 180 s"
fi
inside 'journalctl -u gk-guardian --no-pager -o cat | grep -E "gkg-node|Main process|Scheduled restart|Started" | tail -8'

say "SIGSTOP the JVM"
sleep 5
restarts1=$(service_value NRestarts)
pid=$(jvm_pid)
if took=$(inside "kill -STOP $pid; t0=\${EPOCHREALTIME/./}; while ip -4 -o addr show dev pk0 | grep -q ' $VIP/'; do sleep 0.005; done
          t1=\${EPOCHREALTIME/./}; echo \$(( (t1 - t0) / 1000 ))"); then
    ok "VIP released ${took} ms after SIGSTOP of JVM $pid"
fi
# Gone, or a zombie its launcher has not reaped yet: no longer a stopped JVM.
wait_until 10 "[ ! -d /proc/$pid ] || grep -q '^State:.*Z' /proc/$pid/status" > /dev/null \
    && ok "the stopped JVM $pid was killed" || bad "the stopped JVM $pid still exists: $(inside "grep ^State /proc/$pid/status")"
if took=$(wait_until 180 "[ \$(systemctl show -p NRestarts --value gk-guardian) -gt $restarts1 ] && ip -4 -o addr show dev pk0 | grep -q ' $VIP/'"); then
    ok "systemd restarted the node (NRestarts $(service_value NRestarts)); the VIP is back ${took} s after the release"
else
    bad "no restart with the VIP within 180 s"
fi
inside 'journalctl -u gk-guardian --no-pager -o cat | grep -E "watchdog|VIPs released|Main process" | tail -5'

say "upgrade: apt install ./gk-guardian_${version}+proof1_all.deb"
epoch1=$(epoch)
inside "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/gk-guardian_${version}+proof1_all.deb 2>&1 | grep -E '^(Setting up|Unpacking|E:)|conffile'"
[ "$(inside 'dpkg-query -W -f "\${Version}" gk-guardian')" = "$version+proof1" ] && ok "upgraded to $version+proof1" || bad "not upgraded"
inside "grep -qx 'vips = $VIP/24@pk0' /etc/gk-guardian/org.gkguardian.ipbinding.cfg" && ok "the changed conffile (the VIP) was kept" || bad "the VIP configuration was lost"
if took=$(wait_until 180 "ip -4 -o addr show dev pk0 | grep -q ' $VIP/'"); then
    ok "the node runs again after the upgrade and holds the VIP (${took} s)"
else
    bad "the node does not hold the VIP after the upgrade: $(service_value ActiveState)"
fi
epoch2=$(epoch)
[ "$epoch2" != none ] && [ "$epoch2" -ge "$epoch1" ] 2>/dev/null && ok "epoch kept: $epoch1 before, $epoch2 after the upgrade (an election raises it)" \
    || bad "epoch $epoch1 before the upgrade, $epoch2 after"

say "apt remove gk-guardian"
inside 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q gk-guardian 2>&1 | grep -E "^(Removing|E:)"'
inside 'pgrep -u gk-guardian > /dev/null' && bad "processes of gk-guardian still run" || ok "no process of gk-guardian runs"
vip_bound && bad "the VIP is still bound" || ok "no VIP on pk0: $(inside 'ip -4 -o addr show dev pk0 | awk "{print \$4}" | tr "\n" " "')"
inside "[ -f /etc/gk-guardian/org.gkguardian.ipbinding.cfg ] && [ -f $epoch_file ]" && ok "etc/ and the epoch stay after remove (purge removes them)" || bad "remove took etc/ or the epoch"

say "result"
if [ "$failures" != 0 ]; then echo "FAIL: $failures expectations broken"; exit 1; fi
echo "PASS: installed, started, restarted after kill -9 and SIGSTOP, upgraded and removed under systemd"
