#!/usr/bin/env bash
# The launcher's keep-alive protocol (bin/gkg-node), with a stand-in child instead of a JVM: no network, no
# namespace, no VIP (an empty state file). The child writes what the guardian writes: a whole line
# "PID COUNTER [LIMIT_MS]" when the limit changes, an empty line while it stays as it was.
#   1. a limit, then empty lines, then silence: the launcher kills the child on the limit the whole line set
#      (an empty line keeps it), not on its own --watchdog-timeout;
#   2. a limit, then a whole line without one, then empty lines, then silence: the launcher is back to its
#      own timeout and kills on that;
#   3. whole and empty lines, then the child ends by itself: its exit status is the launcher's, nothing killed.
#   3b. "PID COUNTER idle" (no VIP bound here) sets --idle-timeout, which the child was offered
#      (GKG_WATCHDOG_IDLE_MS), and the silent child is killed on it; a limit after it applies at once; an idle
#      timeout not above --watchdog-timeout is neither offered nor applied;
#   4. the child leaves an obituary line (GKG_OBITUARY) and ends: the launcher sends the datagram for a run that
#      held no VIP (its state file names none) to the peer the line names; a line that is not an obituary is
#      refused, loudly, and the exit status is still the child's.
# Behaviour only: which limit the launcher said it applied, not how fast it acted.
set -euo pipefail
trap 'exit 1' TERM
here=$(cd "$(dirname "$0")" && pwd)
launcher=$here/../../karaf-assembly/src/main/resources/assembly/bin/gkg-node
work=$(mktemp -d /tmp/gkg-launcher-ka.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
check() {
    local what=$1; shift
    if "$@"; then echo "ok - $what"; else echo "not ok - $what"; failures=$((failures + 1)); fi
}

# The stand-in child: writes its script (one word a line: "L<ms>" a whole line with a limit, "P" a whole
# line without one, "I" a whole line asking for the idle timeout, "V" the GKG_WATCHDOG_IDLE_MS it was given into
# data/watchdog/idle-env, "E" an empty line, "X<status>" exit with that status, "Q" silence until killed, "O" an
# obituary line for peer 127.0.0.1 port 9 (discard), "B" a broken one) every 30 ms.
cat > "$work/child.sh" <<'CHILD'
#!/usr/bin/env bash
exec 3> "$GKG_WATCHDOG_FIFO"
n=0
for step in "$@"; do
    n=$((n + 1))
    case $step in
        L*) printf '%d %d %d\n' $$ $n "${step#L}" >&3 ;;
        P) printf '%d %d\n' $$ $n >&3 ;;
        I) printf '%d %d idle\n' $$ $n >&3 ;;
        V) printf '%s' "${GKG_WATCHDOG_IDLE_MS-unset}" > "$(dirname "$GKG_WATCHDOG_FIFO")/idle-env" ;;
        E) printf '\n' >&3 ;;
        X*) exit "${step#X}" ;;
        O) printf 'gkg-obituary 2 9 %s %s 127.0.0.1\n' "$(printf 'aa%.0s' {1..40})" "$(printf 'bb%.0s' {1..40})" \
               > "$GKG_OBITUARY" ;;
        B) printf 'gkg-obituary 2 9 not-hex 127.0.0.1\n' > "$GKG_OBITUARY" ;;
        Q) exec sleep 30 ;;
    esac
    sleep 0.03
done
CHILD
chmod +x "$work/child.sh"

run() { # NAME STEP...: runs the launcher with the child, into $work/NAME.log; its exit status into $work/NAME.rc
    local name=$1; shift
    mkdir -p "$work/$name/data/ipbinding"
    : > "$work/$name/data/ipbinding/bound-vips"
    set +e
    timeout 20 "$launcher" --base "$work/$name" --watchdog-timeout 600 --startup-grace 5000 --nice 0 \
        ${IDLE_MS:+--idle-timeout "$IDLE_MS"} -- "$work/child.sh" "$@" > "$work/$name.log" 2>&1
    echo $? > "$work/$name.rc"
    set -e
}
empties() { local i; for ((i = 0; i < $1; i++)); do printf 'E '; done; }

run limit L150 $(empties 15) Q
check "a whole line with a 150 ms limit sets it" grep -q "watchdog: 150 ms from now on" "$work/limit.log"
check "empty lines keep it: the silent child is killed on 150 ms, not on 600" \
    grep -q "watchdog: no keep-alive for 150 ms" "$work/limit.log"
check "no empty line was taken as the end of the limit" bash -c "! grep -q 'back to --watchdog-timeout' '$work/limit.log'"

run back L150 $(empties 5) P $(empties 10) Q
check "a whole line without a limit brings back --watchdog-timeout" \
    grep -q "watchdog: 600 ms from now on (back to --watchdog-timeout)" "$work/back.log"
check "the silent child is then killed on 600 ms" grep -q "watchdog: no keep-alive for 600 ms" "$work/back.log"

run ends P $(empties 5) L150 $(empties 5) X7
check "a child that ends by itself is not killed" bash -c "! grep -q 'SIGKILL' '$work/ends.log'"
check "its exit status is the launcher's" test "$(cat "$work/ends.rc")" = 7
check "its first line named its PID" grep -q "first keep-alive from PID [0-9]" "$work/ends.log"

IDLE_MS=1500 run idle P V I $(empties 5) Q
check "the child is offered the idle timeout" test "$(cat "$work/idle/data/watchdog/idle-env")" = 1500
check "a whole line asking for it sets --idle-timeout" \
    grep -q "watchdog: 1500 ms from now on (--idle-timeout: no VIP is bound here)" "$work/idle.log"
check "the silent child is then killed on 1500 ms" grep -q "watchdog: no keep-alive for 1500 ms" "$work/idle.log"
IDLE_MS=1500 run idle-limit P I $(empties 3) L150 $(empties 15) Q
check "a limit after the idle timeout applies at once" \
    grep -q "watchdog: 150 ms from now on (the guardian is master and asks for it)" "$work/idle-limit.log"
check "and the silent child is killed on it" grep -q "watchdog: no keep-alive for 150 ms" "$work/idle-limit.log"
IDLE_MS=400 run idle-short P V I $(empties 5) Q
check "an idle timeout not above --watchdog-timeout is not offered" \
    test "$(cat "$work/idle-short/data/watchdog/idle-env")" = unset
check "nor applied: the silent child is killed on 600 ms" \
    grep -q "watchdog: no keep-alive for 600 ms" "$work/idle-short.log"

run obituary P O X5
check "the launcher sends the obituary of a run that held no VIP" \
    grep -q "obituary sent to 127.0.0.1: held no VIP at its end" "$work/obituary.log"
check "the child's exit status is still the launcher's" test "$(cat "$work/obituary.rc")" = 5
check "the obituary file is gone after the run" test ! -e "$work/obituary/data/watchdog/obituary"
run broken P B X6
check "a line that is not an obituary is refused, loudly" \
    grep -q "ignoring .*obituary: not an obituary line" "$work/broken.log"
check "and nothing is sent" bash -c "! grep -q 'obituary sent' '$work/broken.log'"
check "the child's exit status is the launcher's" test "$(cat "$work/broken.rc")" = 6
check "a child that leaves no obituary gets none sent" bash -c "! grep -q 'obituary' '$work/ends.log'"

if [ "$failures" != 0 ]; then
    for f in limit back ends idle idle-limit idle-short obituary broken; do echo "--- $f.log"; cat "$work/$f.log"; done
    exit 1
fi
