"""Hand-off time of a live view (issue 12): from live.create to the first frame in a viewer (Playwright
for Python driving Debian's headless Chromium), and from Done to live.wait answered and the session
changeable again (cookies.set). Against a running server without a tenants file:

    python3 Benchmarks/live_handoff.py [http://127.0.0.1:9123]
"""
import json, sys, time, urllib.request, statistics
from playwright.sync_api import sync_playwright
RPC = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9123") + "/rpc"
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
ms = lambda xs: "p50 %.0f ms (min %.0f, max %.0f)" % (statistics.median(xs) * 1000, min(xs) * 1000, max(xs) * 1000)
print("live.create answered:", ms(create_only))
print("live.create -> first frame in the viewer:", ms(first))
print("Done -> live.wait answered and the session changed:", ms(back))
