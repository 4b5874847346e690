"""Hand-off time of a live view (issue 12): from live.create to the first frame in a viewer (Playwright
for Python driving Debian's headless Chromium), and from Done to live.wait answered and the session
changeable again (cookies.set); then the frame rate a viewer gets from an animated page (the fixture
site's live.html?animate, served here on 127.0.0.1: start the server with --allow-network 127.0.0.1/32),
and a screenshot of that viewer (--screenshot FILE). Against a running server without a tenants file:

    python3 Benchmarks/live_handoff.py [http://127.0.0.1:9123] [--screenshot viewer.png]
"""
import functools, http.server, json, os, sys, threading, time, urllib.request, statistics
from playwright.sync_api import sync_playwright
args = [a for a in sys.argv[1:]]
SCREENSHOT = None
if "--screenshot" in args:
    SCREENSHOT = args[args.index("--screenshot") + 1]
    del args[args.index("--screenshot"):args.index("--screenshot") + 2]
RPC = (args[0] if args else "http://127.0.0.1:9123") + "/rpc"
SITE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "Site")
def call(method, params):
    req = urllib.request.Request(RPC, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode(), headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req).read())
SESSION = "live-bench-%d" % int(time.time())
call("session.create", {"session_id": SESSION})
first, back, create_only = [], [], []
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/lib/chromium/chromium-headless-shell", args=["--no-sandbox"])
    try:
        context = browser.new_context(bypass_csp=True)
        for i in range(10):
            page = context.new_page()
            t0 = time.monotonic()
            live = call("live.create", {"session_id": SESSION, "mode": "control"})["result"]
            create_only.append(time.monotonic() - t0)
            page.goto(live["url"])
            page.wait_for_function("window.tidepoolLive.frames > 0", polling=5)
            first.append(time.monotonic() - t0)
            t1 = time.monotonic()
            page.click("#done")
            r = call("live.wait", {"live_id": live["live_id"], "timeout_ms": 30000})["result"]
            assert r["ended_reason"] == "done", r
            ok = call("cookies.set", {"session_id": SESSION, "cookies": [{"name": "n%d" % i, "value": "1", "domain": "127.0.0.1", "path": "/"}]})
            assert "result" in ok, ok
            back.append(time.monotonic() - t1)
            page.close()
    finally:
        browser.close()
# Frame rate from an animated page: the session renders it once (its last URL), then a view-mode viewer
# counts the frames drawn over 5 s after the first.
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=SITE_DIR))
threading.Thread(target=site.serve_forever, daemon=True).start()
animated = "http://127.0.0.1:%d/live.html?animate" % site.server_address[1]
rendered = call("render", {"url": animated, "session_id": SESSION})
assert "result" in rendered, rendered
fps = []
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/lib/chromium/chromium-headless-shell", args=["--no-sandbox"])
    try:
        page = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800}).new_page()
        for i in range(3):
            live = call("live.create", {"session_id": SESSION, "mode": "view"})["result"]
            page.goto(live["url"])
            page.wait_for_function("window.tidepoolLive.frames > 1", polling=5)
            start = page.evaluate("window.tidepoolLive.frames")
            time.sleep(5)
            fps.append((page.evaluate("window.tidepoolLive.frames") - start) / 5)
            if SCREENSHOT and i == 0:
                page.screenshot(path=SCREENSHOT)
            call("live.revoke", {"live_id": live["live_id"]})
    finally:
        browser.close()
        site.shutdown()
print("frames/s from an animated page (3 views of 5 s): %s" % ", ".join("%.1f" % f for f in fps))

ms = lambda xs: "p50 %.0f ms (min %.0f, max %.0f)" % (statistics.median(xs) * 1000, min(xs) * 1000, max(xs) * 1000)
print("live.create answered:", ms(create_only))
print("live.create -> first frame in the viewer:", ms(first))
print("Done -> live.wait answered and the session changed:", ms(back))
