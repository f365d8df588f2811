#!/usr/bin/env bash
# GET latency (median, p99) and throughput of GK Guardian's SNMP agent against Net-SNMP's snmpd,
# both on loopback, measured by the same client in the same run. Not part of the test suite.
#
# By default our agent runs outside Karaf over the guardian test double (bundles/snmp test sources).
# With --karaf it is the agent inside a running node: the assembly (karaf-assembly/target) unpacked
# into a temporary directory and started as `bin/karaf server` with its default one-node loopback
# configuration, the agent told to listen on 127.0.0.1:16160 with the benchmark's community.
# snmpd runs from its own configuration file. Objects: sysName.0 on both (a static scalar), and our
# gkgNodeRole.0 (read live from the guardian on every request).
#
# Usage: testbed/bench-snmp.sh [--karaf] [REQUESTS] [SECONDS]   (defaults 5000 sequential GETs, 5 s of load)
#        GKG_ASSEMBLY=path/to/gk-guardian-karaf-*.tar.gz selects the assembly for --karaf.
# Each agent and object first gets 2000 sequential GETs and 3 s of load unmeasured, so that the JIT is done.
# Needs: java 17, maven, python3, snmpd (Debian package snmpd). Ports 16160 and 16170 on 127.0.0.1;
# with --karaf also 17900-17901 (guardian) and 18101, 11099, 44445 (Karaf's ssh and JMX).
set -euo pipefail

in_karaf=false
if [ "${1:-}" = --karaf ]; then in_karaf=true; shift; fi
readonly REQUESTS=${1:-5000}
readonly SECONDS_OF_LOAD=${2:-5}
readonly OUR_PORT=16160
readonly SNMPD_PORT=16170
readonly COMMUNITY=benchcomm
repo=$(cd "$(dirname "$0")/.." && pwd)
m2=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}

for tool in java mvn python3 /usr/sbin/snmpd snmpget; do
    command -v "$tool" >/dev/null || { echo "ERROR: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

if $in_karaf; then
    # GKG_ASSEMBLY: another build's assembly, e.g. to measure before and after a change in one run.
    assembly=${GKG_ASSEMBLY:-$(ls "$repo"/karaf-assembly/target/gk-guardian-karaf-*.tar.gz 2>/dev/null | head -1)}
    [ -n "$assembly" ] || { echo "ERROR: no assembly; build it first (mvn install -DskipTests)" >&2; exit 1; }
    echo "== starting a node (Karaf) from $(basename "$assembly"), its agent on 127.0.0.1:$OUR_PORT"
    mkdir -p "$work/karaf"
    tar xzf "$assembly" -C "$work/karaf" --strip-components=1
    etc=$work/karaf/etc
    printf '%s\n' "listen.addresses = udp:127.0.0.1/$OUR_PORT" ".community = $COMMUNITY" >> "$etc/org.gkguardian.snmp.cfg"
    printf '%s\n' "port = 17900" >> "$etc/org.gkguardian.guardian.cfg"
    sed -i 's/^sshPort *=.*/sshPort = 18101/' "$etc/org.apache.karaf.shell.cfg"
    sed -i -e 's/^rmiRegistryPort *=.*/rmiRegistryPort = 11099/' -e 's/^rmiServerPort *=.*/rmiServerPort = 44445/' \
        "$etc/org.apache.karaf.management.cfg"
    # KARAF_EXEC=exec: bin/karaf execs the JVM, so the PID we keep is the JVM's own and killing it stops the node.
    (cd "$work/karaf" && KARAF_EXEC=exec exec bin/karaf server >"$work/agent.log" 2>&1) &
    pids+=($!)
    karaf_pid=$!
    echo "   (JVM PID $karaf_pid: profile it with jcmd $karaf_pid JFR.start while the load runs)"
    # A node keeps a core busy for a while after boot (feature resolution, JIT): measure it at rest, as the
    # issue asks ("inside a running node"), not its boot.
    for ((i = 0; i < 120; i++)); do
        snmpget -m "" -v2c -c "$COMMUNITY" -t 0.5 -r 0 "127.0.0.1:$OUR_PORT" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && break
        sleep 1
    done
    ticks() { awk '{print $14 + $15}' "/proc/$karaf_pid/stat"; }
    for ((i = 0; i < 45; i++)); do
        before=$(ticks); sleep 2; after=$(ticks)
        busy=$(( (after - before) * 100 / (2 * $(getconf CLK_TCK)) ))
        [ "$busy" -lt 10 ] && break
    done
    echo "   the node answers and has settled: ${busy}% of a core over 2 s"
else
    echo "== building the agent's test classes"
    (cd "$repo" && mvn -B -q -Dmaven.repo.local="$m2" -pl bundles/snmp test-compile \
        dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test)
    classpath="$repo/bundles/snmp/target/classes:$repo/bundles/snmp/target/test-classes:$(cat "$work/cp.txt")"

    echo "== starting our agent on 127.0.0.1:$OUR_PORT"
    java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        org.gkguardian.snmp.internal.BenchAgent "$OUR_PORT" "$COMMUNITY" >"$work/agent.log" 2>&1 &
    pids+=($!)
fi

echo "== starting snmpd on 127.0.0.1:$SNMPD_PORT"
cat >"$work/snmpd.conf" <<CONF
agentaddress udp:127.0.0.1:$SNMPD_PORT
rocommunity $COMMUNITY 127.0.0.1
sysName node1
CONF
mkdir -p "$work/snmpd-persistent"
SNMP_PERSISTENT_DIR="$work/snmpd-persistent" SNMPCONFPATH="$work" \
    /usr/sbin/snmpd -f -Lf "$work/snmpd.log" -C -c "$work/snmpd.conf" >/dev/null 2>&1 &
pids+=($!)

where=$($in_karaf && echo "in Karaf" || echo "outside Karaf")
python3 - "$REQUESTS" "$SECONDS_OF_LOAD" "$OUR_PORT" "$SNMPD_PORT" "$COMMUNITY" "$where" <<'PY'
import socket, statistics, sys, time

requests, load_seconds, our_port, snmpd_port, community, where = (int(sys.argv[1]), float(sys.argv[2]),
    int(sys.argv[3]), int(sys.argv[4]), sys.argv[5].encode(), sys.argv[6])

def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b

def tlv(tag, body):
    return bytes([tag]) + length(len(body)) + body

def integer(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))

def oid(text):
    parts = [int(p) for p in text.strip(".").split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(chunk)
    return tlv(0x06, body)

def get(request_id, name):
    varbinds = tlv(0x30, tlv(0x30, oid(name) + b"\x05\x00"))
    pdu = tlv(0xA0, integer(request_id) + integer(0) + integer(0) + varbinds)
    return tlv(0x30, integer(1) + tlv(0x04, community) + pdu)

def read_tlv(data, at):
    tag = data[at]; n = data[at + 1]; at += 2
    if n & 0x80:
        k = n & 0x7F; n = int.from_bytes(data[at:at + k], "big"); at += k
    return tag, at, at + n

def parse(data):
    """(request id, error status, value tag) of a v2c response."""
    _, at, _ = read_tlv(data, 0)
    _, _, at = read_tlv(data, at)             # version
    _, _, at = read_tlv(data, at)             # community
    tag, at, _ = read_tlv(data, at)           # PDU
    _, s, at2 = read_tlv(data, at); rid = int.from_bytes(data[s:at2], "big", signed=True)
    _, s, at3 = read_tlv(data, at2); err = int.from_bytes(data[s:at3], "big")
    _, _, at4 = read_tlv(data, at3)           # error index
    _, vbl, _ = read_tlv(data, at4)
    _, vb, _ = read_tlv(data, vbl)
    _, _, after_name = read_tlv(data, vb)
    return rid, err, data[after_name]

def wait_ready(sock, port, name):
    deadline = time.time() + 120
    while time.time() < deadline:
        sock.sendto(get(1, name), ("127.0.0.1", port))
        sock.settimeout(0.5)
        try:
            data = sock.recv(2048)
            _, err, tag = parse(data)
            if err == 0 and tag not in (0x80, 0x81, 0x82):
                return
            raise SystemExit(f"port {port} answers {name} with error {err}, tag {tag:#x}")
        except (socket.timeout, ConnectionRefusedError):
            time.sleep(0.2)               # not listening yet (the JVM is still starting)
    raise SystemExit(f"nothing answers on port {port}")

def latency(port, name):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sock.connect(("127.0.0.1", port))
    wait_ready(sock, port, name)
    sock.settimeout(1.0)
    for i in range(2000):                     # warm-up (JIT, caches), not measured
        sock.send(get(10 + i, name)); sock.recv(2048)
    throughput(port, name, seconds=3)         # and under load, so that the JIT has compiled that path too
    samples, lost = [], 0
    for i in range(requests):
        rid = 100000 + i
        t = time.perf_counter(); sock.send(get(rid, name))
        try:
            while parse(sock.recv(2048))[0] != rid:
                pass
            samples.append((time.perf_counter() - t) * 1e6)
        except socket.timeout:
            lost += 1
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1], lost

def throughput(port, name, window=16, seconds=None):
    seconds = load_seconds if seconds is None else seconds
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sock.connect(("127.0.0.1", port))
    sock.settimeout(0.5)
    rid, answered = 1000000, 0
    end = time.perf_counter() + seconds
    for _ in range(window):
        rid += 1; sock.send(get(rid, name))
    while time.perf_counter() < end:
        try:
            sock.recv(2048); answered += 1
        except socket.timeout:
            for _ in range(window):           # refill a window lost to drops
                rid += 1; sock.send(get(rid, name))
            continue
        rid += 1; sock.send(get(rid, name))
    return answered / seconds

ours = f"GK Guardian, {where}"
print(f"{'agent':<30}{'object':<16}{'median us':>10}{'p99 us':>10}{'lost':>6}{'GET/s':>10}")
rates = {}
for label, port, name, object_label in (
        (ours, our_port, "1.3.6.1.2.1.1.5.0", "sysName.0"),
        (ours, our_port, "1.3.6.1.4.1.99999.1.1.2.0", "gkgNodeRole.0"),
        ("Net-SNMP snmpd", snmpd_port, "1.3.6.1.2.1.1.5.0", "sysName.0")):
    median, p99, lost = latency(port, name)
    rate = throughput(port, name)
    rates[(label, object_label)] = rate
    print(f"{label:<30}{object_label:<16}{median:>10.0f}{p99:>10.0f}{lost:>6}{rate:>10.0f}", flush=True)
print(f"sysName.0 GET/s, ours / snmpd: {rates[(ours, 'sysName.0')] / rates[('Net-SNMP snmpd', 'sysName.0')]:.2f}")
print(f"({requests} sequential GETs each after 2000 sequential and 3 s of load as warm-up; throughput: {load_seconds:.0f} s with 16 outstanding)")
PY
