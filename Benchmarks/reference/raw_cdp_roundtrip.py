#!/usr/bin/env python3
"""Baseline for PoolBench's CDP round-trip figure: the same Runtime.evaluate over the same pipe from a
minimal blocking client with no framework (one thread, select + read), so Tidepool's own overhead per
command can be read off the difference.

    python3 Benchmarks/reference/raw_cdp_roundtrip.py [runs]
"""
import fcntl, json, os, select, shutil, subprocess, sys, tempfile, time

EXE = os.environ.get("CHROME_EXECUTABLE_PATH", "/usr/lib/chromium/chromium-headless-shell")


def launch():
    pipes = [os.pipe(), os.pipe()]
    (to_r, to_w), (from_r, from_w) = [[fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in p] for p in pipes]
    for p in pipes:
        for fd in p:
            os.close(fd)
    user_data = tempfile.mkdtemp(prefix="raw-cdp-")

    def child():
        os.dup2(to_r, 3)
        os.dup2(from_w, 4)
        os.setpgid(0, 0)

    proc = subprocess.Popen(
        [EXE, "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--user-data-dir=" + user_data],
        preexec_fn=child, close_fds=False,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(to_r)
    os.close(from_w)
    return proc, to_w, from_r, user_data


class Client:
    def __init__(self, write_fd, read_fd):
        self.w, self.r, self.buf, self.id = write_fd, read_fd, b"", 0

    def send(self, method, params=None, session=None):
        self.id += 1
        message = {"id": self.id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.w, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buf:
                select.select([self.r], [], [], 30)
                chunk = os.read(self.r, 1 << 16)
                if not chunk:
                    raise EOFError("browser closed")
                self.buf += chunk
            frame, self.buf = self.buf.split(b"\0", 1)
            reply = json.loads(frame)
            if reply.get("id") == self.id:
                return reply["result"]


def p50(samples):
    return sorted(samples)[len(samples) // 2] * 1000


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    proc, w, r, user_data = launch()
    try:
        c = Client(w, r)
        c.send("Browser.getVersion")
        context = c.send("Target.createBrowserContext")["browserContextId"]
        target = c.send("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
        session = c.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        small = []
        for _ in range(runs):
            t0 = time.perf_counter()
            c.send("Runtime.evaluate", {"expression": "1 + 1", "returnByValue": True}, session)
            small.append(time.perf_counter() - t0)
        c.send("Runtime.evaluate", {"expression": "window.big = 'x'.repeat(1 << 20); 0"}, session)
        large = []
        for _ in range(runs):
            t0 = time.perf_counter()
            c.send("Runtime.evaluate", {"expression": "window.big", "returnByValue": True}, session)
            large.append(time.perf_counter() - t0)
        print(f"raw pipe client, {runs} each: `1 + 1` p50 {p50(small):.1f} ms; 1 MiB string p50 {p50(large):.1f} ms")
    finally:
        os.close(w)
        proc.wait(timeout=10)
        os.close(r)
        shutil.rmtree(user_data, ignore_errors=True)


if __name__ == "__main__":
    main()
