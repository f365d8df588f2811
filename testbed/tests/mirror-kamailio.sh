#!/usr/bin/env bash
# Configuration mirroring with Kamailio in warm standby on three namespace hosts. Each node sees its
# own copy of the same absolute path (its launcher runs in a mount namespace of its own, where
# $TB_WORK/etc-kamailio is a bind mount of $TB_WORK/HOST/kamailio), as boards with one file system
# each would; the test reads every copy from outside.
#  1. A corrupted snapshot (the nodes run with the fault injection gkg.fault.mirror.corrupt=1, which
#     alters one byte of each node's first push): an edit on the master is pushed, every backup
#     refuses it with the mirror-refused alarm, and no backup file changes (no copy, no .prev).
#  2. The next edit on the master: both backups hold identical bytes, their Kamailio was reloaded
#     and answers with the new Server header, the alarm is gone, gkg:mirror shows every member
#     matching. The time from the edit to identical bytes on both backups is printed.
#  3. A backup's local edit raises mirror-local-edit naming the file; gkg:mirror push on the master
#     overwrites it (mirror.overwrite.local defaults to true) and the alarm clears.
# Behaviour only: the printed convergence time decides nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TB_PREFIX=${TB_PREFIX:-mi$$}
source "$here/../lib/netns.sh"
source "$here/../lib/cluster.sh"
tb_init
TB_WORK=$(mktemp -d /tmp/gkg-mirror.XXXXXX)
trap 'status=$?; set +e; [ $status -eq 0 ] || tb_gkg_diagnose; tb_destroy; rm -rf "$TB_WORK"' EXIT
command -v kamailio >/dev/null || { echo "testbed: kamailio is missing (apt-get install kamailio)" >&2; exit 1; }
command -v sipsak >/dev/null || { echo "testbed: sipsak is missing (apt-get install sipsak)" >&2; exit 1; }

members=198.51.100.11,198.51.100.12,198.51.100.13
shared=$TB_WORK/etc-kamailio   # the path every node mirrors; each sees its own copy there
mkdir -p "$shared"
tb_gkg_unpack
for i in 1 2 3; do
    h=n$i
    tb_host "$h" "198.51.100.1$i" "203.0.113.1$i"
    tb_gkg_node "$h" "198.51.100.1$i" 100 "$members" default
    mkdir -p "$TB_WORK/$h/kamailio" "$TB_WORK/$h/data/kamailio"
    sed 's/^server_header=.*/server_header="Server: gkg v1"/' "$TB_KARAF/etc/kamailio/kamailio.cfg" \
        > "$TB_WORK/$h/kamailio/kamailio.cfg"
    sed -i '/^driver = none$/d' "$TB_WORK/$h/etc/org.gkguardian.lifecycle.cfg"
    tb_gkg_cfg "$h" org.gkguardian.lifecycle "driver = foreground" "standby = warm" \
        "start.command = $(command -v kamailio) -f $shared/kamailio.cfg -DD -E -Y $TB_WORK/$h/data/kamailio -m 32 -M 4 -l udp:127.0.0.1:5060" \
        "log.prefix = kamailio" "probe.type = sip-options" "probe.address = 127.0.0.1:5060" \
        "probe.interval.ms = 500" "probe.timeout.ms = 500" "ready.timeout.ms = 10000" \
        "mirror.enabled = true" "mirror.paths = $shared/kamailio.cfg" "mirror.allowed.dirs = $shared"
done

# Like tb_gkg_start, with the node's own copy mounted at the shared path and the fault injection on.
start_node() {
    local host=$1 base="$TB_WORK/$1"
    tb_exec "$host" env EXTRA_JAVA_OPTS="-Dgkg.fault.mirror.corrupt=1" unshare -m --propagation private \
        sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$base/kamailio" "$shared" \
        "$TB_KARAF/bin/gkg-node" --karaf "$TB_KARAF" --base "$base" > "$base/launcher.log" 2>&1 &
    tb_gkg_await_jvm "$host"
}
for i in 1 2 3; do start_node "n$i"; done

master=$(tb_gkg_await_master 120 n1 n2 n3) || { echo "FAIL: no master with two backups within 120 s"; exit 1; }
backups=$(printf '%s\n' n1 n2 n3 | grep -vx "$master" | tr '\n' ' ')
file() { printf '%s/%s/kamailio/kamailio.cfg' "$TB_WORK" "$1"; }
# server_of HOST — the Server header HOST's own Kamailio answers an OPTIONS with.
server_of() {
    tb_exec "$1" sipsak -s sip:probe@127.0.0.1:5060 -vvv 2>&1 | sed -n 's/^Server: //p' | head -1 | tr -d '\r'
}
answers_as() { [ "$(server_of "$1")" = "$2" ]; }
# wait_until SECONDS COMMAND... — true once COMMAND succeeds, checked every 20 ms.
wait_until() {
    local end=$((SECONDS + $1)); shift
    while ((SECONDS < end)); do "$@" && return 0; sleep 0.02; done
    "$@"
}
alarm_on() { tb_gkg_console "$1" gkg:alarms | grep -q -- "$2"; }
wait_alarm() { local i; for ((i = 0; i < 40; i++)); do alarm_on "$1" "$2" && return 0; sleep 0.5; done; return 1; }
for h in n1 n2 n3; do
    wait_until 30 answers_as "$h" "gkg v1" || { echo "FAIL: $h's Kamailio does not answer as gkg v1"; exit 1; }
done
echo "$master is master, $backups backups; every node's Kamailio runs (warm standby) and answers as 'gkg v1'"

# 1. The first push of the master is corrupted on purpose: nothing may be written on any backup.
for h in $backups; do cp -p "$(file "$h")" "$TB_WORK/$h.before"; done
sed -i 's/^server_header=.*/server_header="Server: gkg v2"/' "$(file "$master")"
for h in $backups; do
    wait_alarm "$h" mirror-refused || { echo "FAIL: $h raised no mirror-refused alarm for the corrupted snapshot"; exit 1; }
    tb_gkg_console "$h" gkg:alarms | grep mirror-refused | sed "s/^/$h: /"
    cmp -s "$(file "$h")" "$TB_WORK/$h.before" || { echo "FAIL: $h's kamailio.cfg changed after a corrupted snapshot"; exit 1; }
    leftovers=$(find "$TB_WORK/$h/kamailio" -mindepth 1 ! -name kamailio.cfg)
    [ -z "$leftovers" ] || { echo "FAIL: a corrupted snapshot left files on $h: $leftovers"; exit 1; }
    [ "$(server_of "$h")" = "gkg v1" ] || { echo "FAIL: $h's Kamailio no longer answers as gkg v1"; exit 1; }
done
echo "corrupted snapshot: refused by $backups with the mirror-refused alarm; their files and Kamailio untouched"

# 2. The next edit on the master reaches both backups.
identical() { local h; for h in $backups; do cmp -s "$(file "$h")" "$(file "$master")" || return 1; done; }
edited=$(date +%s%N)
sed -i 's/^server_header=.*/server_header="Server: gkg v3"/' "$(file "$master")"
wait_until 10 identical || { echo "FAIL: the backups do not hold the master's kamailio.cfg 10 s after the edit"; exit 1; }
converged=$(( ($(date +%s%N) - edited) / 1000000 ))
echo "push convergence: $converged ms from the edit on $master to identical bytes on $backups"
for h in $backups; do
    wait_until 30 answers_as "$h" "gkg v3" \
        || { echo "FAIL: $h's Kamailio was not reloaded with the mirrored configuration ($(server_of "$h"))"; exit 1; }
    alarm_on "$h" mirror-refused && { echo "FAIL: $h still has the mirror-refused alarm after a good push"; exit 1; }
    [ "$(cat "$TB_WORK/$h/kamailio/kamailio.cfg.prev")" = "$(cat "$TB_WORK/$h.before")" ] \
        || { echo "FAIL: $h did not keep its previous kamailio.cfg as kamailio.cfg.prev"; exit 1; }
done
status=$(tb_gkg_console "$master" gkg:mirror)
echo "$status"
[ "$(grep -c ' yes ' <<<"$status")" = 3 ] || { echo "FAIL: gkg:mirror on $master does not show 3 members matching"; exit 1; }
echo "both backups hold the master's bytes, their Kamailio answers as 'gkg v3', the previous file kept as .prev"

# 3. A backup's local edit: alarm, then overwritten by the next push.
local_host=$(printf '%s\n' $backups | head -1)
echo '# edited on the board' >> "$(file "$local_host")"
wait_alarm "$local_host" mirror-local-edit || { echo "FAIL: $local_host raised no mirror-local-edit alarm"; exit 1; }
tb_gkg_console "$local_host" gkg:alarms | grep -q "mirror-local-edit.*$shared/kamailio.cfg" \
    || { echo "FAIL: the mirror-local-edit alarm of $local_host does not name $shared/kamailio.cfg"; exit 1; }
echo "$local_host: local edit raised mirror-local-edit naming $shared/kamailio.cfg"
tb_gkg_console "$master" gkg:mirror push
wait_until 10 identical || { echo "FAIL: gkg:mirror push did not overwrite $local_host's local edit"; exit 1; }
for ((i = 0; i < 20; i++)); do alarm_on "$local_host" mirror-local-edit || break; sleep 0.5; done
alarm_on "$local_host" mirror-local-edit && { echo "FAIL: $local_host's mirror-local-edit alarm stayed after the push"; exit 1; }
echo "gkg:mirror push on $master overwrote $local_host's local edit; the alarm cleared"
echo "PASS (${SECONDS} s)"
