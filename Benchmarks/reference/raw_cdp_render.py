#!/usr/bin/env python3
"""The physical floor of RenderBench's static render: the same CDP commands Tidepool's executor sends for
the default render (stealth medium), from a minimal asyncio pipe client with no framework, on the same
number of headless-shell browsers with contexts prewarmed the same way (context + page + flattened attach
+ Page.enable), disposing each context and refilling the prewarmed set in the background as the pool does.

    python3 Benchmarks/reference/raw_cdp_render.py --url URL [--browsers 2] [--renders 200] [--warmup 20]
        [--concurrency 1,4,8] [--prewarm 4] [--steps] [--pause-ms 0] [--flags '["--no-sandbox", …]']

Prints one JSON object: {"sequential": {"p50_ms", "p95_ms", "n", "steps": {name: p50_ms}},
"concurrency": {"4": {"rps", "p50_ms", "p95_ms"}, …}}. `--steps` also times, on a hot page before the
render, a first `Runtime.evaluate 1 + 1` and then `Emulation.setDeviceMetricsOverride` (RenderBench's
--breakdown rows), with `--pause-ms` before each lease. `--flags` replaces the default switches (RenderBench
passes the pool's own command line). The script is its descendants' subreaper and reaps them, so the CPU
time of every Chromium process it started reaches its parent's accounting.
"""
import argparse, asyncio, fcntl, json, os, re, shutil, subprocess, tempfile, time
import pathlib
import sys

# No __pycache__ in BenchSupport, a Swift target's folder (SwiftPM would warn about the file).
sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "BenchSupport"))
from subreaper import become_subreaper, reap_orphans  # noqa: E402

EXE = os.environ.get("CHROME_EXECUTABLE_PATH", "/usr/lib/chromium/chromium-headless-shell")
HERE = os.path.dirname(os.path.abspath(__file__))
STEALTH_SWIFT = os.path.join(HERE, "..", "..", "Sources", "Headless", "Stealth", "StealthScript.swift")

# What Tidepool's snapshot evaluates for the default capture (html + metadata + timing): same DOM work.
SNAPSHOT = """(() => {
  const out = { title: document.title, url: location.href };
  out.html = (document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "") +
    (document.documentElement ? document.documentElement.outerHTML : "");
  const content = sel => { const el = document.querySelector(sel); return el ? el.getAttribute("content") : null; };
  const og = {}, twitter = {};
  for (const m of document.querySelectorAll("meta[property], meta[name]")) {
    const key = (m.getAttribute("property") || m.getAttribute("name") || "").trim();
    const value = m.getAttribute("content");
    if (value === null) continue;
    if (key.startsWith("og:") && !(key.slice(3) in og)) og[key.slice(3)] = value;
    else if (key.startsWith("twitter:") && !(key.slice(8) in twitter)) twitter[key.slice(8)] = value;
  }
  const jsonLd = [];
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
    try { jsonLd.push(JSON.parse(s.textContent)); } catch (e) {}
  }
  const canonical = document.querySelector('link[rel~="canonical"]');
  out.metadata = { title: document.title || null, description: content('meta[name="description"]'),
    canonical_url: canonical ? canonical.href : null, open_graph: og, twitter: twitter, json_ld: jsonLd };
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  const ms = v => (v > 0 ? Math.round(v * 10) / 10 : null);
  out.timing = { ttfb_ms: nav ? ms(nav.responseStart) : null, dom_content_loaded_ms: nav ? ms(nav.domContentLoadedEventEnd) : null,
    load_ms: nav ? ms(nav.loadEventEnd) : null, first_contentful_paint_ms: fcp ? ms(fcp.startTime) : null };
  return out;
})()"""


def stealth_script():
    """Tidepool's medium-preset patch script, read from its Swift source so both run the same JavaScript."""
    source = open(STEALTH_SWIFT).read()
    body = re.search(r'private static let body = """\n(.*?)\n\s*"""', source, re.S).group(1)
    cfg = {"webdriver": True, "plugins": True, "chrome": True, "permissions": True, "outer": 85, "deviceMemory": 8,
           "webgl": {"vendor": "Google Inc. (Intel)", "renderer": "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)"}}
    return "(cfg => {\n" + body + "\n})(" + json.dumps(cfg) + ");"


FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-blink-features=AutomationControlled",
         "--no-first-run"]


class Browser:
    def __init__(self, prewarm):
        self.prewarm, self.id, self.pending, self.listeners = prewarm, 0, {}, {}
        self.buf = b""
        self.warm, self.warming, self.waiters = [], 0, []
        self.background = set()

    async def launch(self):
        pipes = [os.pipe(), os.pipe()]
        (to_r, self.w), (self.r, from_w) = [[fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in p] for p in pipes]
        for p in pipes:
            for fd in p:
                os.close(fd)
        self.user_data = tempfile.mkdtemp(prefix="raw-cdp-")

        def child():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)
            os.setpgid(0, 0)

        self.proc = subprocess.Popen(
            [EXE, "--remote-debugging-pipe", "--user-data-dir=" + self.user_data] + FLAGS,
            preexec_fn=child, close_fds=False,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        os.set_blocking(self.r, False)
        asyncio.get_running_loop().add_reader(self.r, self.readable)
        version = await self.call("Browser.getVersion")
        self.user_agent = version["userAgent"]
        for _ in range(self.prewarm):
            self.refill()

    def readable(self):
        try:
            chunk = os.read(self.r, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            asyncio.get_running_loop().remove_reader(self.r)
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(EOFError("browser closed"))
            return
        self.buf += chunk
        while b"\0" in self.buf:
            frame, self.buf = self.buf.split(b"\0", 1)
            message = json.loads(frame)
            if "id" in message:
                future = self.pending.pop(message["id"], None)
                if future and not future.done():
                    if "error" in message:
                        future.set_exception(RuntimeError(message["error"]))
                    else:
                        future.set_result(message.get("result", {}))
            else:
                for listener in list(self.listeners.get(message.get("sessionId"), [])):
                    listener(message)

    def call(self, method, params=None, session=None):
        self.id += 1
        message = {"id": self.id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future = asyncio.get_running_loop().create_future()
        self.pending[self.id] = future
        os.write(self.w, json.dumps(message).encode() + b"\0")
        return future

    async def open_context(self):
        context = (await self.call("Target.createBrowserContext", {"disposeOnDetach": True}))["browserContextId"]
        target = (await self.call("Target.createTarget", {"url": "about:blank", "browserContextId": context}))["targetId"]
        session = (await self.call("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        await self.call("Page.enable", session=session)
        return context, target, session

    def spawn(self, coroutine):
        task = asyncio.ensure_future(coroutine)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    def refill(self):
        self.warming += 1

        async def job():
            page = await self.open_context()
            self.warming -= 1
            if self.waiters:
                self.waiters.pop(0).set_result(page)
            else:
                self.warm.append(page)

        self.spawn(job())

    async def lease(self):
        if self.warm:
            page = self.warm.pop(0)
        else:
            future = asyncio.get_running_loop().create_future()
            self.waiters.append(future)
            if self.warming < len(self.waiters):
                self.refill()
            page = await future
        return page

    def release(self, page):
        self.spawn(self.call("Target.disposeBrowserContext", {"browserContextId": page[0]}))
        if len(self.warm) + self.warming < self.prewarm:
            self.refill()

    async def close(self):
        await asyncio.gather(*self.background, return_exceptions=True)
        asyncio.get_running_loop().remove_reader(self.r)
        os.close(self.w)
        self.proc.wait(timeout=10)
        os.close(self.r)
        shutil.rmtree(self.user_data, ignore_errors=True)


SCRIPT = None


async def render(browser, url, steps=None):
    start = time.perf_counter()
    mark = [start]

    def lap(name):
        now = time.perf_counter()
        if steps is not None:
            steps.setdefault(name, []).append((now - mark[0]) * 1000)
        mark[0] = now

    page = await browser.lease()
    lap("lease")
    try:
        context, target, session = page
        call = lambda method, params=None: browser.call(method, params, session)
        ua = browser.user_agent.replace("HeadlessChrome", "Chrome")
        major = re.search(r"Chrome/(\d+)", ua).group(1)
        full = re.search(r"Chrome/([\d.]+)", ua).group(1)
        brands = [{"brand": "Not_A Brand", "version": "99"}, {"brand": "Chromium", "version": major},
                  {"brand": "Google Chrome", "version": major}]
        await asyncio.gather(
            call("Page.setLifecycleEventsEnabled", {"enabled": True}),
            call("Network.enable"),
            call("Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1,
                                                         "mobile": False, "screenWidth": 1920, "screenHeight": 1080}),
            call("Emulation.setUserAgentOverride", {"userAgent": ua, "acceptLanguage": "en-US,en", "userAgentMetadata": {
                "brands": brands, "fullVersionList": brands, "fullVersion": full, "platform": "Linux",
                "platformVersion": "", "architecture": "x86", "model": "", "mobile": False}}),
            call("Emulation.setHardwareConcurrencyOverride", {"hardwareConcurrency": 8}),
            call("Page.addScriptToEvaluateOnNewDocument", {"source": SCRIPT}),
        )
        lap("prepare (6 commands at once)")
        loaded = asyncio.get_running_loop().create_future()
        loaders = set()
        expected = []

        def on_event(message):
            if message.get("method") != "Page.lifecycleEvent":
                return
            p = message["params"]
            if p["name"] == "load" and p["frameId"] == target:
                loaders.add(p["loaderId"])
                if expected and expected[0] in loaders and not loaded.done():
                    loaded.set_result(None)

        browser.listeners.setdefault(session, []).append(on_event)
        try:
            navigation = await call("Page.navigate", {"url": url})
            lap("navigate (until commit)")
            expected.append(navigation["loaderId"])
            if navigation["loaderId"] in loaders and not loaded.done():
                loaded.set_result(None)
            await loaded
            lap("wait load")
        finally:
            browser.listeners[session].remove(on_event)
            if not browser.listeners[session]:
                del browser.listeners[session]
        result = await call("Runtime.evaluate", {"expression": SNAPSHOT, "returnByValue": True, "awaitPromise": False})
        lap("snapshot")
        if "Static fixture page" not in result["result"]["value"]["html"]:
            raise RuntimeError("unexpected page content")
    finally:
        browser.release(page)
    return (time.perf_counter() - start) * 1000


async def hot_steps(browser, pause, steps):
    """RenderBench --breakdown's first rows: the first commands on a hot page."""
    await asyncio.sleep(pause)
    page = await browser.lease()
    try:
        for name, method, params in [
            ("first command on the hot lease: Runtime.evaluate 1 + 1", "Runtime.evaluate", {"expression": "1 + 1"}),
            ("then Emulation.setDeviceMetricsOverride", "Emulation.setDeviceMetricsOverride",
             {"width": 1000, "height": 800, "deviceScaleFactor": 1, "mobile": False}),
            ("then Network.enable", "Network.enable", {}),
        ]:
            t0 = time.perf_counter()
            await browser.call(method, params, page[2])
            steps.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
    finally:
        browser.release(page)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


async def main():
    global SCRIPT, FLAGS
    become_subreaper()
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--browsers", type=int, default=2)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--prewarm", type=int, default=4)
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--steps", action="store_true")
    parser.add_argument("--pause-ms", type=int, default=0)
    parser.add_argument("--flags")
    args = parser.parse_args()
    if args.flags:
        FLAGS = [f for f in json.loads(args.flags)
                 if not f.startswith(("--remote-debugging", "--user-data-dir", "--remote-allow-origins"))]
    SCRIPT = stealth_script()

    browsers = [Browser(args.prewarm) for _ in range(args.browsers)]
    try:
        for b in browsers:
            await b.launch()
        await asyncio.sleep(1)
        for i in range(args.warmup):
            await render(browsers[i % len(browsers)], args.url)
        result = {"concurrency": {}}
        if args.steps:
            hot = {}
            for i in range(args.renders):
                await hot_steps(browsers[i % len(browsers)], args.pause_ms / 1000, hot)
            result["hot"] = {name: percentile(v, 50) for name, v in hot.items()}
        steps = {}
        sequential = [await render(browsers[i % len(browsers)], args.url, steps) for i in range(args.renders)]
        result["sequential"] = {"n": len(sequential), "p50_ms": percentile(sequential, 50),
                                "p95_ms": percentile(sequential, 95),
                                "steps": {name: percentile(v, 50) for name, v in steps.items()}}
        for concurrency in [int(c) for c in args.concurrency.split(",") if c]:
            counter = {"next": 0}
            latencies = []

            async def worker():
                while counter["next"] < args.renders:
                    i = counter["next"]
                    counter["next"] += 1
                    latencies.append(await render(browsers[i % len(browsers)], args.url))

            start = time.perf_counter()
            await asyncio.gather(*[worker() for _ in range(concurrency)])
            elapsed = time.perf_counter() - start
            result["concurrency"][str(concurrency)] = {
                "rps": len(latencies) / elapsed, "p50_ms": percentile(latencies, 50),
                "p95_ms": percentile(latencies, 95)}
    finally:
        for b in browsers:
            if hasattr(b, "proc"):
                await b.close()
        reap_orphans()
    print(json.dumps(result))


asyncio.run(main())
