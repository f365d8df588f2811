#!/usr/bin/env bash
# The footprint benchmark: what one GK Guardian node costs at rest, against keepalived on the same hosts.
# Run as root after a build (mvn install -DskipTests), under `flock /work/heavy.lock` on a shared machine.
# It measures and decides nothing.
#
#   testbed/bench-footprint.sh [--profiles "default fast"] [--keepalived "1 0.1"] [--steady S] [--window S]
#                              [--nmt yes|no] [--loaded S] [--out DIR] [--keep]
#
# Per guardian profile, on namespace hosts (testbed/lib, no gatekeeper: lifecycle driver none):
#   1. start-to-master: one node alone (a one-node cluster) started with the launcher; the time from the
#      launcher's start to the node's "Role ... -> master" log line;
#   2. a three-node cluster n1..n3 started at once; once every node is master or backup, S seconds of
#      steady state (default 60), then over a window of W seconds (default 60) per node:
#        - idle CPU of everything the product runs there: the launcher, the JVM and all their children,
#          utime+stime of each process of the tree plus the cutime+cstime of the children they waited
#          for (/proc/PID/stat), as % of one core; split into the JVM itself, the children the JVM
#          waited for, and the others (the launcher, its releaser, a running ip monitor of the JVM);
#      then, at the end of the window: RSS and PSS summed over the same process tree (VmRSS,
#      smaps_rollup), heap used/committed and metaspace used/committed (jstat), code cache committed and
#      threads (Native Memory Tracking: the JVMs run with -XX:NativeMemoryTracking=summary unless
#      --nmt no; each node's summary is written to DIR), and the JVM's thread count; its collections
#      since the start (count, full collections, longest pause, from -Xlog:gc into DIR/gc-PID.log) and
#      the longest time its threads were stopped (safepoints, GC or not) during the start and at rest;
#   2b. with --loaded S: S seconds with every core busy (stress-ng --cpu, one worker a core, beside the
#      nodes), then per node: RSS, the longest stop of its threads while loaded, and the role changes
#      during the load (a master must not lose its role to a pause or a starved JVM);
#   3. start-to-backup: a backup is stopped and started again; the time from the launcher's start to
#      its "Role ... -> backup" line.
# keepalived (VRRPv3, advert_int 1 and 0.1 by default) on the same three hosts as the yardstick: RSS, PSS
# and idle CPU of its process tree (main process and VRRP child) over the same window, after 10 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/keepalived.sh"
source "$here/lib/cluster.sh"

profiles="default fast"
keepalived_adverts="1 0.1"
steady=60
window=60
nmt=yes
loaded=0
keep=no
out=$here/target/bench-footprint
while [ $# -gt 0 ]; do
    case $1 in
        --profiles) profiles=$2; shift 2 ;;
        --keepalived) keepalived_adverts=$2; shift 2 ;;
        --steady) steady=$2; shift 2 ;;
        --window) window=$2; shift 2 ;;
        --nmt) nmt=$2; shift 2 ;;
        --loaded) loaded=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
        *) echo "bench-footprint: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ $loaded =~ ^[0-9]+$ ]] || { echo "bench-footprint: --loaded '$loaded' is not a number of seconds" >&2; exit 2; }
for n in "$steady" "$window"; do
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "bench-footprint: '$n' is not a number of seconds" >&2; exit 2; }
done
case $nmt in yes|no) ;; *) echo "bench-footprint: --nmt takes yes or no, not '$nmt'" >&2; exit 2 ;; esac
tools="java jcmd jstat keepalived arping"
[ "$loaded" = 0 ] || tools="$tools stress-ng"
for tool in $tools; do
    command -v "$tool" >/dev/null || { echo "bench-footprint: $tool is missing" >&2; exit 1; }
done
mkdir -p "$out"
table=$out/footprint.txt
: > "$table"
members=198.51.100.11,198.51.100.12,198.51.100.13
hz=$(getconf CLK_TCK)
page_kib=$(( $(getconf PAGESIZE) / 1024 ))
[ "$nmt" = no ] || export EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
# Every JVM logs its collections and safepoints (a file per PID), to tell a long pause from a starved machine.
export EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -Xlog:gc,safepoint:file=$out/gc-%p.log:uptime"

emit() { printf '%s\n' "$*" | tee -a "$table"; }

# The PIDs of ROOT and all its descendants.
tree_pids() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[++n] = $1 }
        END {
            keep[root] = 1
            do { grew = 0
                 for (i = 1; i <= n; i++) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grew = 1 } }
            } while (grew)
            for (p in keep) print p
        }'
}

# Clock ticks of one process: own (utime+stime) and waited-for children's (cutime+cstime).
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13, $14 + $15 }'; }

# "TOTAL JVM_OWN JVM_CHILDREN" ticks of the tree under ROOT (the JVM: PID JVM).
tree_ticks() {
    local root=$1 jvm=$2 pid own kids total=0 jvm_own=0 jvm_kids=0
    for pid in $(tree_pids "$root"); do
        read -r own kids < <(ticks "$pid") || continue
        total=$(( total + own + kids ))
        if [ "$pid" = "$jvm" ]; then jvm_own=$own; jvm_kids=$kids; fi
    done
    echo "$total $jvm_own $jvm_kids"
}

# "RSS_KIB PSS_KIB PROCESSES" summed over the tree under ROOT.
tree_memory() {
    local pid rss pss sum_rss=0 sum_pss=0 count=0
    for pid in $(tree_pids "$1"); do
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
        pss=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null) || continue
        sum_rss=$(( sum_rss + ${rss:-0} )); sum_pss=$(( sum_pss + ${pss:-0} )); count=$((count + 1))
    done
    echo "$sum_rss $sum_pss $count"
}

# "COUNT/FULL/LONGEST_MS" of a -Xlog:gc file ("[12.3s] GC(4) Pause Young (...) 30M->12M(55M) 3.456ms").
gc_summary() {
    awk '/ Pause .*ms$/ { n++; if (/Pause Full/) f++; ms = $NF; sub(/ms$/, "", ms); if (ms + 0 > max) max = ms + 0 }
        END { printf "%d/%d/%.1f", n, f, max }' "$1" 2>/dev/null || echo -
}

# The longest time the JVM's threads were stopped (a safepoint, "Total: N ns": reaching it and inside it) in ms,
# between JVM uptimes FROM and TO seconds, from the same file.
longest_stop() {
    awk -v from="$2" -v to="$3" '/ Safepoint .*Total: [0-9]+ ns/ {
            t = $1; gsub(/[][s]/, "", t); t += 0
            if (t >= from && t < to) { ns = $0; sub(/.*Total: /, "", ns); sub(/ ns.*/, "", ns); if (ns + 0 > max) max = ns + 0 } }
        END { printf "%.1f", max / 1e6 }' "$1" 2>/dev/null || echo -
}

# The JVM's uptime in seconds (from its process start; the JVM's own clock starts a few ms later).
jvm_uptime() {
    local start up; start=$(sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }')
    read -r up _ < /proc/uptime
    awk -v s="$start" -v u="$up" -v hz="$hz" 'BEGIN { printf "%.1f", u - s / hz }'
}

# "TID TICKS NAME" for every thread of PID (utime+stime; the name as the JVM gave it, 15 characters, blanks as _).
thread_ticks() {
    local task stat name
    for task in /proc/"$1"/task/*; do
        { read -r stat < "$task/stat" && read -r name < "$task/comm"; } 2>/dev/null || continue
        echo "${task##*/} $(echo "${stat##*) }" | awk '{ print $12 + $13 }') ${name// /_}"
    done
}

# The JVM's CPU over the window by thread group (digits in the names made '#'), largest first, from two
# thread_ticks files; threads that started and ended within the window are in the JVM's total only.
thread_groups() {
    awk -v hz="$hz" -v s="$3" 'FNR == NR { before[$1] = $2; next }
        { d = $2 - before[$1]; name = $3; gsub(/[0-9]+/, "#", name); sum[name] += d; n[name]++ }
        END { for (g in sum) if (sum[g] > 0) printf "%.2f %s(%d)\n", sum[g] * 100 / hz / s, g, n[g] }' "$1" "$2" \
        | sort -rn | head -12 | awk '{ printf "%s%s %s %%", sep, $2, $1; sep = ", " } END { print "" }'
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
percent() { awk -v t="$1" -v hz="$hz" -v s="$2" 'BEGIN { printf "%.2f", t * 100 / hz / s }'; }

# Milliseconds since the epoch of the first line of LOG matching PATTERN whose time is >= FROM_MS.
log_ms_after() {
    local log=$1 pattern=$2 from=$3 line ms
    while read -r line; do
        ms=$(( $(date -d "$(echo "${line:0:23}" | tr T ' ' | tr , .)" +%s%N) / 1000000 ))
        if [ "$ms" -ge "$from" ]; then echo "$ms"; return 0; fi
    done < <(grep -ahE "$pattern" "$log" 2>/dev/null)
    return 1
}

# start_to_role HOST ROLE: start HOST's node with the launcher, print ms from the start to ROLE.
start_to_role() {
    local host=$1 role=$2 t0 t1
    t0=$(( $(date +%s%N) / 1000000 ))
    tb_gkg_start "$host"
    tb_gkg_wait_role "$host" "$role" 60 || { echo -; return 0; }
    t1=$(log_ms_after "$TB_WORK/$host/data/log/karaf.log" "Role [a-z]+ -> $role on $host " "$((t0 - 1000))") \
        || { echo -; return 0; }
    echo $(( t1 - t0 ))
}

all_ready() {
    local host role
    for host in n1 n2 n3; do
        role=$(tb_gkg_role "$host")
        [ "$role" = master ] || [ "$role" = backup ] || return 1
    done
}

# JVM figures of PID: "HEAP_USED HEAP_COMMITTED META_USED META_COMMITTED CODE_COMMITTED NMT_THREADS" in KiB
# (threads a count; "-" where NMT is off).
jvm_figures() {
    local pid=$1 nmt_file=$2 heap meta code threads
    read -r heap meta < <(jstat -gc "$pid" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
        NR == 2 { printf "%d/%d %d/%d\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"],
                  $col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"], $col["MU"], $col["MC"] }')
    code=-; threads=-
    if [ "$nmt" = yes ] && jcmd "$pid" VM.native_memory summary scale=KB > "$nmt_file" 2>&1; then
        code=$(awk '/^-  *Code \(/ { match($0, /committed=[0-9]+/); print substr($0, RSTART + 10, RLENGTH - 10) }' "$nmt_file")
        threads=$(awk '/\(thread #/ { match($0, /#[0-9]+/); print substr($0, RSTART + 1, RLENGTH - 1) }' "$nmt_file")
    fi
    echo "$heap $meta ${code:--} ${threads:--}"
}

measure_gkg() {
    local profile=$1 host i t0s t1s roles=() launchers=() jvms=() first=() memory figures rss pss count heap meta code
    local nmt_threads threads total own kids cpu solo backup_host back ready_up=() load_from=() changes=()
    tb_init
    TB_WORK=$(mktemp -d /tmp/gkg-footprint.XXXXXX)
    TB_HOSTS=()
    for i in 1 2 3; do tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"; done
    tb_host s1 198.51.100.21 203.0.113.21
    tb_gkg_unpack
    # 1. A one-node cluster: start to master.
    tb_gkg_node s1 198.51.100.21 100 198.51.100.21 "$profile"
    solo=$(start_to_role s1 master)
    tb_gkg_stop s1
    emit "gkg-$profile: start to master of a one-node cluster: $solo ms (launcher start -> 'Role ... -> master' in karaf.log)"
    # 2. Three nodes at once, steady state, then the window.
    for i in 1 2 3; do tb_gkg_node "n$i" "198.51.100.1$i" 100 "$members" "$profile"; done
    for i in 1 2 3; do tb_gkg_start "n$i"; done
    for ((i = 0; i < 1800; i++)); do all_ready && break; sleep 0.1; done
    # Stops before this uptime belong to the start, later ones to the rest.
    for i in 1 2 3; do ready_up[i]=$(jvm_uptime "$(cat "$TB_WORK/n$i.pid")"); done
    all_ready || emit "gkg-$profile: not every node master or backup after 180 s: $(for h in n1 n2 n3; do printf '%s=%s ' "$h" "$(tb_gkg_role "$h")"; done)"
    echo "gkg-$profile: all nodes master or backup; ${steady} s of steady state, then a ${window} s window" >&2
    sleep "$steady"
    for i in 1 2 3; do
        launchers[i]=$(cat "$TB_WORK/n$i/data/gkg-node.pid"); jvms[i]=$(cat "$TB_WORK/n$i.pid")
        first[i]=$(tree_ticks "${launchers[i]}" "${jvms[i]}")
        thread_ticks "${jvms[i]}" > "$out/threads-$profile-n$i.before"
    done
    t0s=$(date +%s%N)
    sleep "$window"
    t1s=$(date +%s%N)
    for i in 1 2 3; do thread_ticks "${jvms[i]}" > "$out/threads-$profile-n$i.after"; done
    local seconds; seconds=$(awk -v a="$t0s" -v b="$t1s" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    emit ""
    emit "gkg-$profile, per node after ${steady} s of steady state (CPU over ${seconds} s; memory summed over launcher + JVM + children):"
    emit "$(printf '%-4s %-7s %8s %8s %5s %14s %12s %8s %8s %8s %8s %9s %9s  %-16s %s' node role 'RSS MiB' 'PSS MiB' procs \
        'heap used/com' 'meta use/com' 'code MiB' threads 'CPU %' 'JVM %' 'JVM kids' 'others' 'GCs/full/max ms' \
        'stop ms start/rest')"
    for i in 1 2 3; do
        host=n$i
        read -r total own kids < <(tree_ticks "${launchers[i]}" "${jvms[i]}")
        read -r t0_total t0_own t0_kids <<<"${first[i]}"
        read -r rss pss count < <(tree_memory "${launchers[i]}")
        read -r heap meta code nmt_threads < <(jvm_figures "${jvms[i]}" "$out/nmt-$profile-$host.txt")
        threads=$(awk '/^Threads:/ { print $2 }' "/proc/${jvms[i]}/status")
        local hu=${heap%/*} hc=${heap#*/} mu=${meta%/*} mc=${meta#*/} launcher_ticks
        launcher_ticks=$(( (total - t0_total) - (own - t0_own) - (kids - t0_kids) ))
        emit "$(printf '%-4s %-7s %8s %8s %5s %14s %12s %8s %8s %8s %8s %9s %9s  %-16s %s' "$host" "$(tb_gkg_role "$host")" \
            "$(mib "$rss")" "$(mib "$pss")" "$count" "$(mib "$hu")/$(mib "$hc")" "$(mib "$mu")/$(mib "$mc")" \
            "$( [ "$code" = - ] && echo - || mib "$code")" "$threads" \
            "$(percent $(( total - t0_total )) "$seconds")" "$(percent $(( own - t0_own )) "$seconds")" \
            "$(percent $(( kids - t0_kids )) "$seconds")" "$(percent "$launcher_ticks" "$seconds")" \
            "$(gc_summary "$out/gc-${jvms[i]}.log")" \
            "$(longest_stop "$out/gc-${jvms[i]}.log" 0 "${ready_up[i]}")/$(longest_stop "$out/gc-${jvms[i]}.log" "${ready_up[i]}" 1e9)")"
    done
    emit "gkg-$profile: the JVM's CPU over the window by thread group (% of a core; threads in the group):"
    for i in 1 2 3; do
        emit "    n$i ($(tb_gkg_role "n$i")): $(thread_groups "$out/threads-$profile-n$i.before" "$out/threads-$profile-n$i.after" "$seconds")"
    done
    # 2b. The same nodes with every core busy.
    if [ "$loaded" != 0 ]; then
        local stress roles_before
        for i in 1 2 3; do
            load_from[i]=$(jvm_uptime "${jvms[i]}")
            changes[i]=$(grep -acE "Role [a-z]+ -> [a-z]+ on n$i " "$TB_WORK/n$i/data/log/karaf.log" || true)
        done
        stress-ng --cpu "$(nproc)" --timeout "$loaded" > /dev/null 2>&1 &
        stress=$!
        sleep "$loaded"
        wait "$stress" 2>/dev/null || true
        emit ""
        emit "gkg-$profile, the same nodes with every core busy for ${loaded} s (stress-ng --cpu $(nproc)):"
        emit "$(printf '%-4s %-7s %8s %14s  %s' node role 'RSS MiB' 'stop ms loaded' 'role changes while loaded')"
        for i in 1 2 3; do
            host=n$i
            read -r rss pss count < <(tree_memory "${launchers[i]}")
            roles_before=${changes[i]}
            if [ ! -e "/proc/${jvms[i]}" ]; then
                emit "$host: its JVM ${jvms[i]} is gone; its launcher said: $(grep -a 'watchdog\|ended' "$TB_WORK/$host/launcher.log" | tail -2 | tr '\n' ' ')"
                continue
            fi
            emit "$(printf '%-4s %-7s %8s %14s  %s' "$host" "$(tb_gkg_role "$host")" "$(mib "$rss")" \
                "$(longest_stop "$out/gc-${jvms[i]}.log" "${load_from[i]}" 1e9)" \
                "$(grep -aoE "Role [a-z]+ -> [a-z]+ on $host " "$TB_WORK/$host/data/log/karaf.log" | tail -n +$(( roles_before + 1 )) \
                   | awk '{ printf "%s%s->%s", sep, $2, $4; sep = ", " } END { if (!NR) printf "none" }')")"
        done
        sleep 5
    fi
    # 3. A backup leaves and comes back: start to backup in a running cluster.
    backup_host=""
    for host in n3 n2 n1; do [ "$(tb_gkg_role "$host")" = backup ] && { backup_host=$host; break; }; done
    if [ -n "$backup_host" ]; then
        tb_gkg_stop "$backup_host"
        sleep 2
        back=$(start_to_role "$backup_host" backup)
        emit "gkg-$profile: start to backup in a running cluster ($backup_host stopped and started again): $back ms"
    fi
    if [ "$nmt" = yes ]; then
        emit "gkg-$profile: Native Memory Tracking summary of n1 (all nodes: $out/nmt-$profile-n*.txt):"
        sed -n '/^Total:/,$p' "$out/nmt-$profile-n1.txt" | grep -vE '^ *$|^ {20,}\(' | sed 's/^/    /' | tee -a "$table"
    fi
    for host in n1 n2 n3; do tb_gkg_stop "$host"; done
    tb_destroy
    if [ "$keep" = yes ]; then echo "gkg-$profile: logs kept in $TB_WORK" >&2; else rm -rf "$TB_WORK"; fi
}

measure_keepalived() {
    local advert=$1 i host roots=() first=() total rss pss count seconds t0s t1s
    tb_init
    TB_WORK=$(mktemp -d /tmp/gkg-footprint.XXXXXX)
    TB_HOSTS=()
    for i in 1 2 3; do tb_host "n$i" "198.51.100.1$i" "203.0.113.1$i"; done
    for i in 1 2 3; do tb_keepalived_start "n$i" $((100 + i)) "$advert"; done
    sleep 10
    for i in 1 2 3; do roots[i]=$(cat "$TB_WORK/n$i-keepalived/keepalived.pid"); first[i]=$(tree_ticks "${roots[i]}" 0); done
    t0s=$(date +%s%N)
    sleep "$window"
    t1s=$(date +%s%N)
    seconds=$(awk -v a="$t0s" -v b="$t1s" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    emit ""
    emit "keepalived-$advert, per node after 10 s (CPU over ${seconds} s; main process + VRRP child):"
    emit "$(printf '%-4s %8s %8s %5s %8s' node 'RSS MiB' 'PSS MiB' procs 'CPU %')"
    for i in 1 2 3; do
        read -r total _ _ < <(tree_ticks "${roots[i]}" 0)
        read -r rss pss count < <(tree_memory "${roots[i]}")
        emit "$(printf '%-4s %8s %8s %5s %8s' "n$i" "$(mib "$rss")" "$(mib "$pss")" "$count" \
            "$(percent $(( total - ${first[i]%% *} )) "$seconds")")"
    done
    tb_destroy
    rm -rf "$TB_WORK"
}

emit "footprint benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown), NMT $nmt"
for profile in $profiles; do measure_gkg "$profile"; done
for advert in $keepalived_adverts; do measure_keepalived "$advert"; done
echo "table: $table" >&2
