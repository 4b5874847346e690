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
     from the kill to the first call that succeeds (served by the other node, taking the session over).

Every process it starts is stopped by its PID at the end, whatever happened.

  python3 Benchmarks/ClusterBench/cluster_bench.py [--tidepool .build/release/tidepool]
      [--fixtures .build/debug/ServeFixtures] [--renders 40] [--kills 3]
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
    """Statements PostgreSQL logged so far; heartbeats (the nodes table) and the pool's keep-alive
    (`SELECT 1;`) left out."""
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
            if entry and "tidepool_nodes" not in entry and not entry.endswith("SELECT 1;")]


def count_statements(log_path, call, show):
    before = len(statements(log_path))
    call()
    time.sleep(0.3)  # the log is written asynchronously
    new = statements(log_path)[before:]
    if show:
        for statement in new:
            print("    " + " ".join(statement.split())[:150])
    return len(new)


def rendered(port, params):
    answer = rpc(port, "render", params)
    if "result" not in answer:
        raise RuntimeError("render failed: %s" % answer)
    return answer["result"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidepool", default=".build/release/tidepool")
    parser.add_argument("--fixtures", default=".build/debug/ServeFixtures")
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print the statements counted")
    options = parser.parse_args()

    processes = Processes()
    directory = tempfile.mkdtemp(prefix="tidepool-clusterbench-")
    try:
        pg_port, pg_log = start_postgres(processes, directory)
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

        print("## statements per call (PostgreSQL's log, heartbeats left out)")
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
        for round_index in range(2 * options.kills):
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
    finally:
        processes.stop_all()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
