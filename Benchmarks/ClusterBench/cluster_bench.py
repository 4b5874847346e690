#!/usr/bin/env python3
"""ClusterBench: what the cluster costs, measured on real processes (BENCHMARKS.md, "Cluster").

Starts a private PostgreSQL (Debian's binaries, in a temporary directory, 127.0.0.1 and a free
port, log_statement=all), the fixture site (ServeFixtures) and two `tidepool serve` nodes (one
browser each) sharing the database, then measures:

  1. database statements per call (from PostgreSQL's own log; heartbeats left out), for a render
     without a session, a render of an existing session, one that creates its session, and a render
     forwarded to the session's owner;
  2. a forwarded call's added latency: p50 of renders of a keep_warm session through its owner
     against through the other node (which forwards), calls alternating so that drift hits both;
  3. kill -9 of a keep_warm session's owner while the other node is called back to back: the time
     from the kill to the first call that succeeds (served by the other node, taking the session over);
  4. bytes on the wire between the nodes and PostgreSQL and PostgreSQL's CPU per render, for renders
     without a session and of sessions holding 0, 10 and 100 KB of localStorage, unchanged and
     changed by each render (TCP byte counters of the nodes' connections, `ss -tin`; CPU from
     /proc of PostgreSQL's processes; both less an idle window's heartbeats; statement logging off);
  5. a load: 8 callers over both nodes rendering 64 sessions, for PostgreSQL's share of the CPU (what
     one PostgreSQL core would sustain, and so how many nodes one database serves).

Every process it starts is stopped by its PID at the end, whatever happened.

  python3 Benchmarks/ClusterBench/cluster_bench.py [--tidepool .build/release/tidepool]
      [--fixtures .build/debug/ServeFixtures] [--renders 40] [--kills 3] [--wire-renders 30]
      [--load-renders 400] [--skip-kills]
"""

import argparse
import threading
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Every process started, stopped by PID in reverse order."""

    def __init__(self):
        self.started = []

    def start(self, args, **kwargs):
        process = subprocess.Popen(args, **kwargs)
        self.started.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def rpc(port, method, params=None, timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    body = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        body["params"] = params
    connection.request("POST", "/rpc", json.dumps(body), {"Content-Type": "application/json"})
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer


def wait_until(what, condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for " + what)


def start_postgres(processes, directory):
    data = os.path.join(directory, "pg")
    os.makedirs(data)
    as_postgres = []
    if os.getuid() == 0:
        shutil.chown(directory, "postgres")
        shutil.chown(data, "postgres")
        as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
    subprocess.run(
        as_postgres + [PG_BIN + "/initdb", "-D", data + "/data", "-U", "postgres", "-A", "trust", "--no-sync"],
        check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    log = open(os.path.join(directory, "postgres.log"), "w")
    if os.getuid() == 0:
        shutil.chown(log.name, "postgres")
    processes.start(
        as_postgres + [PG_BIN + "/postgres", "-D", data + "/data", "-p", str(port), "-k", data,
                       "-c", "listen_addresses=127.0.0.1", "-c", "log_statement=all", "-c", "fsync=off",
                       "-c", "log_line_prefix=%p "],
        stdout=log, stderr=log)
    wait_until("PostgreSQL", lambda: subprocess.run(
        [PG_BIN + "/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0)
    return port, log.name


def start_node(processes, binary, name, database, directory, port=None):
    port = port or free_port()
    environment = dict(os.environ, TIDEPOOL_DATABASE_URL=database, TIDEPOOL_ALLOW_NETWORKS="127.0.0.0/8",
                       BROWSER_MIN_POOL_SIZE="1", BROWSER_INITIAL_POOL_SIZE="1", BROWSER_MAX_POOL_SIZE="1")
    log = open(os.path.join(directory, name + ".log"), "w")
    process = processes.start(
        [binary, "serve", "--port", str(port), "--node-id", name, "--advertise-url", "http://127.0.0.1:%d" % port,
         "--session-backend", "postgres", "--data-dir", os.path.join(directory, name)],
        env=environment, stdout=log, stderr=log)
    wait_until(name, lambda: rpc(port, "health").get("result", {}).get("status") == "healthy")
    return process, port


def statements(log_path):
    """Statements PostgreSQL logged so far; heartbeats (the nodes table), the usage flushes (each node's
    usage ledger writes and reads `tidepool_usage` once a flush interval, not per call) and the pool's
    keep-alive (`SELECT 1;`) left out."""
    entries = []
    with open(log_path) as log:
        for line in log:
            if line.startswith("\t") and entries:
                entries[-1] += " " + line.strip()  # a statement's next line
            elif "LOG:  statement:" in line or "LOG:  execute" in line:
                entries.append(line.split("LOG:  ", 1)[1].strip())
            else:
                entries.append("")
    return [entry for entry in entries
            if entry and "tidepool_nodes" not in entry and "tidepool_usage" not in entry
            and not entry.endswith("SELECT 1;")]


def count_statements(log_path, call, show):
    before = len(statements(log_path))
    call()
    time.sleep(0.3)  # the log is written asynchronously
    new = statements(log_path)[before:]
    if show:
        for statement in new:
            print("    " + " ".join(statement.split())[:150])
    return len(new)


def postgres_cpu_seconds(postmaster_pid):
    """CPU (user + system) of PostgreSQL's postmaster and every process it started, in seconds.
    A connection process that ended meanwhile takes its CPU with it: the nodes' pools keep theirs."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, …; utime and stime are the 14th and 15th fields of stat.
        if int(entry) == postmaster_pid or int(fields[1]) == postmaster_pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def wire_bytes(pg_port):
    """Per open connection to PostgreSQL (by local port): bytes sent to it and received from it,
    from the kernel's TCP counters (`ss -tin`: bytes_acked, bytes_received)."""
    out = subprocess.run(["ss", "-tinH", "state", "established", "( dport = :%d )" % pg_port],
                         capture_output=True, text=True, check=True).stdout
    counters, local = {}, None
    for line in out.splitlines():
        if not line.startswith((" ", "\t")):
            local = line.split()[2]
            counters[local] = [0, 0]
        elif local is not None:
            for field in line.split():
                if field.startswith("bytes_acked:"):
                    counters[local][0] = int(field.split(":")[1])
                elif field.startswith("bytes_received:"):
                    counters[local][1] = int(field.split(":")[1])
    return counters


def wire_delta(before, after):
    sent = sum(a[0] - before.get(k, [0, 0])[0] for k, a in after.items())
    received = sum(a[1] - before.get(k, [0, 0])[1] for k, a in after.items())
    return sent, received


def measured(pg_port, postmaster_pid, call, count):
    """Bytes to and from PostgreSQL and its CPU seconds over `count` calls, and the wall time."""
    bytes_before, cpu_before, started = wire_bytes(pg_port), postgres_cpu_seconds(postmaster_pid), time.monotonic()
    for index in range(count):
        call(index)
    elapsed = time.monotonic() - started
    sent, received = wire_delta(bytes_before, wire_bytes(pg_port))
    return sent, received, postgres_cpu_seconds(postmaster_pid) - cpu_before, elapsed


def rendered(port, params):
    answer = rpc(port, "render", params)
    if "result" not in answer:
        raise RuntimeError("render failed: %s" % answer)
    return answer["result"]


def wire_and_load(options, pg_port, postmaster_pid, site, page, a_port, b_port):
    """Sections 4 and 5, with PostgreSQL's statement log off (it costs PostgreSQL CPU)."""
    subprocess.run(["psql", "-qAt", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "-c",
                    "ALTER SYSTEM SET log_statement = 'none'", "-c", "SELECT pg_reload_conf()"],
                   check=True, stdout=subprocess.DEVNULL)
    n = options.wire_renders
    # The heartbeats (one statement a second per node) and keep-alives, over an idle window.
    idle_seconds = 10
    idle = measured(pg_port, postmaster_pid, lambda _: time.sleep(idle_seconds), 1)
    per_second = [value / idle[3] for value in idle[:3]]
    print("\n## bytes on the wire and PostgreSQL CPU per render (%d renders a row; statement log off)" % n)
    print("idle, both nodes: %.0f B/s to PostgreSQL, %.0f B/s back, %.2f ms CPU/s (left out below)" % (
        per_second[0], per_second[1], per_second[2] * 1000))
    print("| render | bytes to PostgreSQL | bytes from PostgreSQL | PostgreSQL CPU | p50 |")

    def row(name, call):
        times = []

        def timed(index):
            started = time.monotonic()
            call(index)
            times.append((time.monotonic() - started) * 1000)

        sent, received, cpu, elapsed = measured(pg_port, postmaster_pid, timed, n)
        sent -= per_second[0] * elapsed
        received -= per_second[1] * elapsed
        cpu -= per_second[2] * elapsed
        print("| %s | %.0f | %.0f | %.2f ms | %.1f ms |" % (
            name, sent / n, received / n, cpu * 1000 / n, statistics.median(times)))

    row("without a session", lambda _: rendered(a_port, {"url": page}))
    for size in (0, 10_000, 100_000):
        session = "wire-%d" % size
        setter = "localStorage.setItem('blob', String(Date.now()).padEnd(%d, 'x'))" % size if size else "true"
        rendered(a_port, {"url": page, "session_id": session,
                          "config": {"actions": [{"type": "evaluate", "expression": setter}]}})
        label = "%d KB of localStorage" % (size // 1000) if size else "no state"
        row("session, %s, unchanged" % label, lambda _: rendered(a_port, {"url": page, "session_id": session}))
        if size:
            row("session, %s, changed" % label, lambda _: rendered(a_port, {
                "url": page, "session_id": session, "config": {"actions": [{"type": "evaluate", "expression": setter}]}}))

    total = options.load_renders
    print("\n## load: 8 callers over both nodes, 64 sessions (10 KB of localStorage each, changed by half the renders), %d renders" % total)
    for index in range(64):
        rendered(a_port if index % 2 else b_port, {"url": page, "session_id": "load-%d" % index, "config": {
            "actions": [{"type": "evaluate", "expression": "localStorage.setItem('blob', 'x'.repeat(10000))"}]}})
    failures, lock = [], threading.Lock()
    next_index = iter(range(total))

    def caller(port):
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            params = {"url": page, "session_id": "load-%d" % (index % 64)}
            if index % 2:
                params["config"] = {"actions": [{"type": "evaluate",
                                                 "expression": "localStorage.setItem('blob', String(Date.now()).padEnd(10000, 'x'))"}]}
            answer = rpc(port, "render", params)
            if "result" not in answer:
                with lock:
                    failures.append(answer)

    def load(_):
        threads = [threading.Thread(target=caller, args=(a_port if i % 2 else b_port,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    with open("/proc/stat") as f:
        busy_before = [int(v) for v in f.readline().split()[1:]]
    sent, received, cpu, elapsed = measured(pg_port, postmaster_pid, load, 1)
    with open("/proc/stat") as f:
        busy_after = [int(v) for v in f.readline().split()[1:]]
    deltas = [a - b for a, b in zip(busy_after, busy_before)]
    machine_cpu = (sum(deltas) - deltas[3] - deltas[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
    print("| renders/s | failed | PostgreSQL CPU per render | machine CPU per render | PostgreSQL's share | bytes per render (to / from) |")
    print("| %.1f | %d | %.2f ms | %.1f ms | %.1f %% | %.0f / %.0f |" % (
        total / elapsed, len(failures), cpu * 1000 / total, machine_cpu * 1000 / total, 100 * cpu / machine_cpu,
        sent / total, received / total))
    if failures:
        print("first failure: %s" % failures[0])
    print("one PostgreSQL core at this CPU per render: %.0f session renders/s" % (total / cpu if cpu else float("inf")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidepool", default=".build/release/tidepool")
    parser.add_argument("--fixtures", default=".build/debug/ServeFixtures")
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print the statements counted")
    parser.add_argument("--wire-renders", type=int, default=30, help="renders per row of the bytes table")
    parser.add_argument("--load-renders", type=int, default=400, help="renders of the load (section 5)")
    parser.add_argument("--skip-kills", action="store_true", help="leave out section 3")
    options = parser.parse_args()

    processes = Processes()
    directory = tempfile.mkdtemp(prefix="tidepool-clusterbench-")
    try:
        pg_port, pg_log = start_postgres(processes, directory)
        postmaster_pid = processes.started[-1].pid
        database = "postgres://postgres@127.0.0.1:%d/postgres" % pg_port
        fixtures = processes.start([options.fixtures], stdout=subprocess.PIPE, text=True)
        site = fixtures.stdout.readline().split("fixture site: ")[1].split()[0]
        page = site + "/static.html"
        a, a_port = start_node(processes, options.tidepool, "node-a", database, directory)
        b, b_port = start_node(processes, options.tidepool, "node-b", database, directory)
        wait_until("the cluster", lambda: all(
            n["alive"] for n in rpc(b_port, "cluster.nodes")["result"]["nodes"]) and len(
            rpc(b_port, "cluster.nodes")["result"]["nodes"]) == 2)
        for port in (a_port, b_port):
            rendered(port, {"url": page})  # warm each node's browser

        print("## statements per call (PostgreSQL's log, heartbeats and usage flushes left out)")
        rpc(a_port, "session.create", {"session_id": "plain"})
        rendered(a_port, {"url": page, "session_id": "plain"})
        rpc(a_port, "session.create", {"session_id": "warm", "keep_warm": True})
        rendered(a_port, {"url": page, "session_id": "warm"})
        figures = [
            ("render without a session", lambda: rendered(a_port, {"url": page})),
            ("render of an existing session", lambda: rendered(a_port, {"url": page, "session_id": "plain"})),
            ("render creating its session", lambda: rendered(a_port, {"url": page, "session_id": "fresh"})),
            ("keep_warm render on its owner", lambda: rendered(a_port, {"url": page, "session_id": "warm"})),
            ("keep_warm render forwarded by the other node", lambda: rendered(b_port, {"url": page, "session_id": "warm"})),
            ("session.get", lambda: rpc(b_port, "session.get", {"session_id": "plain"})),
        ]
        for name, call in figures:
            count = count_statements(pg_log, call, options.show)
            print("| %s | %d |" % (name, count))

        print("\n## forwarded call's added latency (keep_warm session owned by node-a, %d renders each)" % options.renders)
        direct, forwarded = [], []
        for _ in range(options.renders):
            for port, into in ((a_port, direct), (b_port, forwarded)):
                started = time.monotonic()
                result = rendered(port, {"url": page, "session_id": "warm"})
                into.append((time.monotonic() - started) * 1000)
                if result.get("warnings"):
                    raise RuntimeError("not served by the owner: %s" % result["warnings"])
        p50_direct, p50_forwarded = statistics.median(direct), statistics.median(forwarded)
        print("| through the owner, p50 | %.1f ms |" % p50_direct)
        print("| through the other node (forwarded), p50 | %.1f ms |" % p50_forwarded)
        print("| added by forwarding, p50 | %.1f ms |" % (p50_forwarded - p50_direct))

        print("\n## kill -9 of the owner to the first successful call through the other node")
        owner, owner_port = a, a_port
        for round_index in range(0 if options.skip_kills else 2 * options.kills):
            # Even rounds: the owner is idle when killed. Odd rounds: it is in the middle of a render
            # of the session (a 4 s page), holding the session's lease, which must run out first.
            mid_render = round_index % 2 == 1
            session = "k%d" % round_index
            rpc(owner_port, "session.create", {"session_id": session, "keep_warm": True})
            rendered(owner_port, {"url": page, "session_id": session})
            for _ in range(3):
                if rendered(b_port, {"url": page, "session_id": session}).get("warnings"):
                    raise RuntimeError("a call before the kill was not forwarded to the owner")
            if mid_render:
                slow = site + "/slow?ms=4000"
                def doomed(port=owner_port, session=session):
                    try:
                        rpc(port, "render", {"url": slow, "session_id": session})
                    except OSError:
                        pass  # its node is killed under it

                threading.Thread(target=doomed, daemon=True).start()
                time.sleep(1.5)  # the render has its lease and waits for the page
            owner.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            owner.wait()
            failed = 0
            while True:
                answer = rpc(b_port, "render", {"url": page, "session_id": session, "config": {"timeout_ms": 30000}})
                if "result" in answer:
                    break
                failed += 1
            elapsed = time.monotonic() - killed
            if not any("taken over" in w for w in answer["result"]["warnings"]):
                raise RuntimeError("the first call after the kill does not say it took the session over")
            print("| %s | %.2f s | %d failed calls before |" % (
                "mid-render" if mid_render else "idle", elapsed, failed))
            # The node comes back in place: same id, same port.
            restarted = time.monotonic()
            owner, owner_port = start_node(processes, options.tidepool, "node-a", database, directory, owner_port)

            def beating_again():
                nodes = rpc(b_port, "cluster.nodes")["result"]["nodes"]
                return any(n["node_id"] == "node-a" and n["seconds_since_heartbeat"] < time.monotonic() - restarted
                           for n in nodes)

            # Until then node-b rightly takes node-a for the dead process; one more heartbeat of
            # node-b's own reads the new one.
            wait_until("node-a beating again", beating_again)
            time.sleep(1.5)
        wire_and_load(options, pg_port, postmaster_pid, site, page, owner_port, b_port)
    finally:
        processes.stop_all()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
