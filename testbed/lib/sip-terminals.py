#!/usr/bin/env python3
"""Many SIP terminals on one host, and a prober asking the registrar at the VIP about each of them.

Used by testbed/bench-registrations.sh (run inside the terminal's network namespace):

  sip-terminals.py run --vip 203.0.113.10 --local 203.0.113.100 --count 100 --log FILE
      Terminal i (user rbN) has its own UDP port (base-port + i) and contact. It registers at once
      (spread over the first 2 s, as phones booting) and then every --interval seconds at a random
      phase, with Expires --expires. A REGISTER without a final answer is retransmitted as RFC 3261
      says for UDP (0.5 s doubling up to 4 s, given up after 32 s), so a refresh that falls into the
      failover gap is not lost for a whole interval. Requests relayed to a terminal are answered 200.
      Every --probe-interval seconds the prober (port base-port - 1) sends a MESSAGE to every user's
      address of record at the VIP and writes one line per round to the log:
          WALL_MS KNOWN STATES
      STATES holds one character per user: 1 the registrar knows the user (the sample registrar
      answers 501, the warm one relays to the terminal, which answers 200), 0 it does not (404),
      - no answer within the round, x another answer.
  sip-terminals.py analyse --log FILE --kill-ms MS --window S
      Prints, from the rounds sent after the kill: when 50 %, 90 % and 100 % of the users were known
      again (a user counts from the first round after the kill that found it; "<=" when that was the
      very first round, as the outage ended somewhere before it) and the mean time a user stayed
      unknown (users not found within the window count the whole window).
"""
import argparse
import random
import selectors
import socket
import sys
import time
import uuid

KNOWN_STATUSES = (200, 501)
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id"}


def token():
    return uuid.uuid4().hex[:16]


def parse(data):
    """First line and headers (lower-case names, compact forms expanded, in order) of a SIP message."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    lines = head.split("\r\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            name = name.strip().lower()
            headers.append((COMPACT.get(name, name), value.strip()))
    return lines[0], headers


def header(headers, name):
    return next((value for key, value in headers if key == name), None)


class Terminal:
    def __init__(self, user, port, args, start):
        self.user, self.port, self.args = user, port, args
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((args.local, port))
        self.sock.setblocking(False)
        self.call_id = f"{token()}@{args.local}"
        self.tag = token()
        self.cseq = 0
        self.start = start
        self.phase = random.uniform(0, args.interval)
        self.next_register = start + random.uniform(0, 2)
        self.first = True
        self.pending = None  # (message, first sent, next retransmission, retransmission interval)
        self.registered = 0
        self.failed = 0

    def register(self, now):
        self.cseq += 1
        a = self.args
        message = (
            f"REGISTER sip:{a.vip} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {a.local}:{self.port};branch=z9hG4bK{token()};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:{self.user}@{a.vip}>;tag={self.tag}\r\n"
            f"To: <sip:{self.user}@{a.vip}>\r\n"
            f"Call-ID: {self.call_id}\r\n"
            f"CSeq: {self.cseq} REGISTER\r\n"
            f"Contact: <sip:{self.user}@{a.local}:{self.port}>\r\n"
            f"Expires: {a.expires}\r\n"
            f"User-Agent: gkg-bench-terminal\r\n"
            f"Content-Length: 0\r\n\r\n").encode()
        self.send(message)
        self.pending = (message, now, now + 0.5, 0.5)
        # The schedule follows the clock, not the answers: a phone refreshes every interval.
        if self.first:
            self.first = False
            self.next_register = self.start + self.phase
            if self.next_register <= now:
                self.next_register += a.interval
        else:
            self.next_register += a.interval

    def send(self, message):
        try:
            self.sock.sendto(message, (self.args.vip, 5060))
        except OSError:
            pass  # the VIP may be unreachable for a moment during the failover; retransmission covers it

    def tick(self, now):
        if self.pending:
            message, sent, retransmit, interval = self.pending
            if now - sent >= 32:
                self.pending = None
                self.failed += 1
            elif now >= retransmit:
                self.send(message)
                interval = min(interval * 2, 4)
                self.pending = (message, sent, now + interval, interval)
        if now >= self.next_register and not self.pending:
            self.register(now)

    def receive(self):
        data, source = self.sock.recvfrom(65535)
        first, headers = parse(data)
        if first.startswith("SIP/2.0 "):
            status = int(first.split()[1])
            cseq = header(headers, "cseq") or ""
            if status >= 200 and self.pending and cseq == f"{self.cseq} REGISTER":
                self.pending = None
                if 200 <= status < 300:
                    self.registered += 1
                else:
                    self.failed += 1
            return
        if first.startswith("ACK "):
            return
        # A request relayed by the registrar: answer it, so that the prober sees the relay succeed.
        lines = ["SIP/2.0 200 OK"]
        for key, value in headers:
            if key == "via":
                lines.append(f"Via: {value}")
        to = header(headers, "to") or ""
        lines += [f"From: {header(headers, 'from')}", f"To: {to}{'' if 'tag=' in to else ';tag=' + self.tag}",
                  f"Call-ID: {header(headers, 'call-id')}", f"CSeq: {header(headers, 'cseq')}",
                  "Content-Length: 0", "", ""]
        self.sock.sendto("\r\n".join(lines).encode(), source)


class Prober:
    def __init__(self, users, args):
        self.users, self.args = users, args
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((args.local, args.base_port - 1))
        self.sock.setblocking(False)
        self.round = 0
        self.round_wall_ms = 0
        self.states = None

    def start_round(self, log):
        if self.states is not None:
            known = sum(1 for s in self.states if s == "1")
            log.write(f"{self.round_wall_ms} {known} {''.join(self.states)}\n")
            log.flush()
        self.round += 1
        self.states = ["-"] * len(self.users)
        self.round_wall_ms = time.time_ns() // 1_000_000
        a = self.args
        body = "probe"
        for index, user in enumerate(self.users):
            message = (
                f"MESSAGE sip:{user}@{a.vip} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP {a.local}:{a.base_port - 1};branch=z9hG4bK{token()};rport\r\n"
                f"Max-Forwards: 70\r\n"
                f"From: <sip:prober@{a.local}>;tag={token()}\r\n"
                f"To: <sip:{user}@{a.vip}>\r\n"
                f"Call-ID: probe-{self.round}-{index}@{a.local}\r\n"
                f"CSeq: 1 MESSAGE\r\n"
                f"Content-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\n\r\n{body}").encode()
            try:
                self.sock.sendto(message, (a.vip, 5060))
            except OSError:
                pass

    def receive(self):
        data, _ = self.sock.recvfrom(65535)
        first, headers = parse(data)
        if not first.startswith("SIP/2.0 "):
            return
        status = int(first.split()[1])
        if status < 200:
            return
        call_id = header(headers, "call-id") or ""
        try:
            probe_round, index = call_id.split("@")[0].split("-")[1:3]
            probe_round, index = int(probe_round), int(index)
        except ValueError:
            return
        if probe_round != self.round:
            return  # a late answer to an earlier round
        self.states[index] = "1" if status in KNOWN_STATUSES else "0" if status == 404 else "x"


def run(args):
    start = time.monotonic()
    terminals = [Terminal(f"rb{i}", args.base_port + i, args, start) for i in range(args.count)]
    prober = Prober([t.user for t in terminals], args)
    selector = selectors.DefaultSelector()
    for t in terminals:
        selector.register(t.sock, selectors.EVENT_READ, t)
    selector.register(prober.sock, selectors.EVENT_READ, prober)
    next_round = start
    with open(args.log, "w") as log:
        while True:
            now = time.monotonic()
            if now >= next_round:
                prober.start_round(log)
                next_round += args.probe_interval
            for t in terminals:
                t.tick(now)
            for key, _ in selector.select(timeout=0.05):
                try:
                    key.data.receive()
                except (OSError, ValueError, IndexError):
                    pass  # a malformed or unexpected datagram: not ours to judge here


def analyse(args):
    rounds = []
    with open(args.log) as log:
        for line in log:
            parts = line.split()
            if len(parts) == 3:
                rounds.append((int(parts[0]), parts[2]))
    before = [r for r in rounds if r[0] < args.kill_ms]
    after = [r for r in rounds if args.kill_ms <= r[0] <= args.kill_ms + args.window * 1000]
    if not before or not after:
        sys.exit("analyse: no probe rounds around the kill in " + args.log)
    users = len(after[0][1])
    known_before = before[-1][1].count("1")
    found = [None] * users
    for wall_ms, states in after:
        for i, state in enumerate(states):
            if state == "1" and found[i] is None:
                found[i] = (wall_ms - args.kill_ms) / 1000
    times = sorted(f for f in found if f is not None)
    # A user known in the first round after the kill may have been known again at any time before it.
    first_round = (after[0][0] - args.kill_ms) / 1000

    def seconds(value):
        return f"{'<= ' if value <= first_round + 1e-9 else ''}{value:.1f} s"

    def until(fraction):
        needed = -(-users * fraction // 100)  # ceiling
        return seconds(times[int(needed) - 1]) if len(times) >= needed else f"> {args.window} s"

    mean = sum(f if f is not None else args.window for f in found) / users
    print(f"known before the kill {known_before}/{users}; after the kill: 50 % {until(50)}, "
          f"90 % {until(90)}, 100 % {until(100)}; mean unreachable {seconds(mean)} per terminal; "
          f"{len(times)}/{users} known again within {args.window} s "
          f"({len(after)} rounds, resolution {args.probe_interval} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--vip", required=True)
    r.add_argument("--local", required=True)
    r.add_argument("--count", type=int, default=100)
    r.add_argument("--base-port", type=int, default=5100)
    r.add_argument("--interval", type=float, default=60)
    r.add_argument("--expires", type=int, default=60)
    r.add_argument("--probe-interval", type=float, default=1)
    r.add_argument("--log", required=True)
    a = sub.add_parser("analyse")
    a.add_argument("--log", required=True)
    a.add_argument("--kill-ms", type=int, required=True)
    a.add_argument("--window", type=int, default=70)
    a.add_argument("--probe-interval", type=float, default=1)
    args = parser.parse_args()
    run(args) if args.command == "run" else analyse(args)


if __name__ == "__main__":
    main()
