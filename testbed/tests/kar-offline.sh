#!/usr/bin/env bash
# The KAR (features/target/gk-guardian-VERSION.kar) in a stock Apache Karaf that can reach no Maven
# repository: no remote repositories, an empty local repository, offline, in a network namespace of its own
# with only a loopback (nothing outside is reachable at all). Two stock Karafs, side by side:
#   kar     feature:repo-add mvn:...gk-guardian-features fails first (our artifacts are nowhere to be had),
#           then kar:install file:...kar
#   deploy  the file dropped into deploy/
# Each must show gk-guardian Started in feature:list -i, the feature's configuration files in etc/, and a
# guardian that answers gkg:status with a role (the default one-node cluster elects itself master).
#   bash testbed/tests/kar-offline.sh        (root; also run by the testbed's NamespaceScriptsIT)
# Needs the build (mvn install -DskipTests, which also copies the stock Karaf to testbed/target/stock-karaf).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
STOCK_TGZ=${STOCK_TGZ:-$(ls "$repo"/testbed/target/stock-karaf/apache-karaf-*.tar.gz 2>/dev/null | head -1)}
KAR=${KAR:-$(ls "$repo"/features/target/gk-guardian-*.kar 2>/dev/null | head -1)}
WAIT_S=${WAIT_S:-120}

# ---- inside a network namespace of its own: one stock Karaf, one way of installing the KAR ----
if [ "${1:-}" = --inside ]; then
    mode=$2 dir=$3
    ip link set lo up
    say() { printf '[%s] %s\n' "$mode" "$*"; }
    # The JVM's user.home (from /etc/passwd, not HOME) would lead pax-url to ~/.m2; nothing of the host's.
    export KARAF_EXEC=exec HOME=$dir/home EXTRA_JAVA_OPTS="-Duser.home=$dir/home"
    "$dir/bin/karaf" server > "$dir/console.log" 2>&1 &
    karaf_pid=$!
    # What a hung Karaf was doing: its threads (SIGQUIT prints them to console.log), our bundles' frames first.
    thread_dump() {
        local from
        from=$(wc -l < "$dir/console.log" 2>/dev/null || echo 0)
        kill -QUIT "$karaf_pid" 2>/dev/null || return 0
        sleep 2
        {
            say "---- threads of Karaf (SIGQUIT), those with gkguardian, jgroups, snmp4j, features or kar frames"
            tail -n +"$((from + 1))" "$dir/console.log" | awk -v RS= '/gkguardian|jgroups|snmp4j|features|kar\./' \
                | head -n 200
        } >&2
    }
    # A Karaf that does not stop on SIGTERM is a failure (a service manager would wait, then kill it), not a wait
    # without end: 60 s, then its threads, then SIGKILL.
    # shellcheck disable=SC2317
    stop_karaf() {
        local status=$? i
        kill "$karaf_pid" 2>/dev/null || return 0
        for ((i = 0; i < 600; i++)); do kill -0 "$karaf_pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$karaf_pid" 2>/dev/null; then
            say "FAIL: Karaf (pid $karaf_pid) did not stop within 60 s of SIGTERM"
            thread_dump
            kill -9 "$karaf_pid" 2>/dev/null || true
            status=1
        fi
        wait "$karaf_pid" 2>/dev/null || true
        exit "$status"
    }
    trap stop_karaf EXIT
    trap 'exit 143' TERM INT
    # Karaf's own chatter (no JAVA_HOME, waiting for the console) is left out of the output. One call may retry the
    # connection for 90 s, and runs for at most CLIENT_S: a command that never returns is a failure with a name.
    client() {
        local status=0
        printf '%s\n' "$@" | timeout -k 5 "${CLIENT_S:-120}" "$dir/bin/client" -u karaf -p karaf -r 90 -d 1 -b 2>&1 \
            | tr -d '\r' | { grep -Ev '^(client: JAVA_HOME not set|retrying \(attempt)' || true; } \
            || status=${PIPESTATUS[1]}
        if { [ "$status" = 124 ] || [ "$status" = 137 ]; } && [ "${QUIET:-}" != yes ]; then
            say "bin/client did not return within ${CLIENT_S:-120} s: $*" >&2
            thread_dump
        fi
        return "$status"
    }
    fail() {
        say "FAIL: $*"
        say "---- data/log/karaf.log (last 40 lines)"; tail -n 40 "$dir/data/log/karaf.log" 2>/dev/null || true
        exit 1
    }

    # Karaf is up when its KAR deployer answers as Active (then its deploy/ is watched and kar:install exists).
    # Each try is bounded: a client stuck in a session that never opens is tried again, not waited on forever.
    deadline=$(( SECONDS + WAIT_S ))
    until out=$(CLIENT_S=30 QUIET=yes client "bundle:list -t 0 org.apache.karaf.kar.core") \
            && printf '%s\n' "$out" | grep -q Active; do
        [ "$SECONDS" -lt "$deadline" ] || { printf '%s\n' "$out" | sed 's/^/    /'; fail "Karaf did not answer bin/client within ${WAIT_S}s"; }
        sleep 1
    done

    version=$(basename "$KAR" .kar); version=${version#gk-guardian-}
    if [ "$mode" = kar ]; then
        out=$(client "feature:repo-add mvn:org.gkguardian/gk-guardian-features/$version/xml/features" "feature:repo-list" || true)
        say "feature:repo-add from Maven (must fail: no repository is reachable):"; printf '%s\n' "$out" | sed 's/^/    /' | head -8
        if printf '%s\n' "$out" | grep -q '^gk-guardian-'; then fail "the features repository was found without the KAR"; fi
        out=$(client "kar:install file:$KAR") || { printf '%s\n' "$out"; fail "kar:install failed"; }
        say "kar:install file:$KAR"; [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /'
    else
        cp "$KAR" "$dir/.incoming.kar" && mv "$dir/.incoming.kar" "$dir/deploy/$(basename "$KAR")"
        say "copied $(basename "$KAR") into deploy/"
    fi

    deadline=$(( SECONDS + WAIT_S ))
    while :; do
        out=$(client "feature:list -i" "gkg:status" || true)
        if printf '%s\n' "$out" | grep -Eq '^gk-guardian +[|│].*[|│] *Started' && printf '%s\n' "$out" | grep -Eq '^Role.*(master|backup)'; then
            break
        fi
        [ "$SECONDS" -lt "$deadline" ] || { printf '%s\n' "$out" | sed 's/^/    /'; fail "gk-guardian not Started with a role within ${WAIT_S}s"; }
        sleep 2
    done
    say "feature:list -i:"; printf '%s\n' "$out" | grep -E '^(Name|gk-guardian)' | sed 's/^/    /'
    say "gkg:status:"; printf '%s\n' "$out" | sed -n '/^Role/,$p' | head -4 | sed 's/^/    /'
    for f in org.gkguardian.guardian.cfg org.gkguardian.ipbinding.cfg org.gkguardian.lifecycle.cfg \
             org.gkguardian.snmp.cfg mibs/GK-GUARDIAN-MIB.txt; do
        [ -s "$dir/etc/$f" ] || fail "etc/$f was not installed"
    done
    say "etc/ has the feature's configuration files and the MIB"
    if [ "$mode" = kar ]; then
        out=$(client "kar:list")
        printf '%s\n' "$out" | grep -q "gk-guardian-$version" || { printf '%s\n' "$out"; fail "kar:list does not show gk-guardian-$version"; }
    fi
    say "PASS"
    exit 0
fi

# ---- outside: two stock Karafs configured offline, each started in its own network namespace ----
[ "$(id -u)" = 0 ] || { echo "kar-offline: needs root (unshare --net)" >&2; exit 1; }
[ -f "$STOCK_TGZ" ] || { echo "kar-offline: no stock Karaf under testbed/target/stock-karaf: run mvn install -DskipTests first" >&2; exit 1; }
[ -f "$KAR" ] || { echo "kar-offline: no KAR under features/target: run mvn install -DskipTests first" >&2; exit 1; }
mkdir -p "$repo/testbed/target"
work=$(mktemp -d "$repo/testbed/target/kar-offline.XXXXXX")
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

echo "# stock Karaf: $(basename "$STOCK_TGZ"); KAR: $KAR ($(stat -c %s "$KAR") bytes)"
started=$SECONDS
for mode in kar deploy; do
    dir=$work/$mode
    mkdir -p "$dir" "$dir/home" "$work/empty-m2"
    tar xzf "$STOCK_TGZ" -C "$dir" --strip-components=1
    # No repository but Karaf's own system/ and the KARs it installed (defaultRepositories stays stock).
    sed -i '/^org.ops4j.pax.url.mvn.repositories/,/[^\\]$/d' "$dir/etc/org.ops4j.pax.url.mvn.cfg"
    printf '<settings/>\n' > "$dir/settings.xml"
    cat >> "$dir/etc/org.ops4j.pax.url.mvn.cfg" <<EOF
org.ops4j.pax.url.mvn.repositories=
org.ops4j.pax.url.mvn.localRepository=$work/empty-m2
org.ops4j.pax.url.mvn.settings=$dir/settings.xml
org.ops4j.pax.url.mvn.offline=true
EOF
    # Stock Karaf ships no user; bin/client needs one.
    printf 'karaf = karaf,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' \
        >> "$dir/etc/users.properties"
    STOCK_TGZ=$STOCK_TGZ KAR=$KAR WAIT_S=$WAIT_S unshare --net bash "$0" --inside "$mode" "$dir" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
pids=()
[ -z "$(ls -A "$work/empty-m2")" ] || { echo "FAIL: something was written to the local Maven repository: $(ls -A "$work/empty-m2")"; status=1; }
echo "# both installs took $(( SECONDS - started )) s"
[ "$status" = 0 ] && echo "PASS: the KAR installs offline in stock Karaf, by kar:install and from deploy/" || echo "FAIL"
exit "$status"
