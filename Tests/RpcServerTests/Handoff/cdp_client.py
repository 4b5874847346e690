"""Playwright for Python driving a Tidepool CDP hand-off (session.connect), for CDPConnectTests.

    python3 cdp_client.py SCENARIO OUT_FILE RELEASE_FILE URL [URL2] SITE

Writes what it saw as JSON to OUT_FILE, then waits (at most 60 s) until RELEASE_FILE exists, so the
test can call Tidepool while the client is still connected; then disconnects and exits 0.
Scenarios:
  login     - connect to URL; read the first context's cookies and a fixture page's cookies; log in
              through the fixture's form; write localStorage; take a full-page screenshot.
  two       - connect to URL and URL2 at once; write a cookie and storage in the first, read the second.
  close     - connect to URL and send Browser.close through a raw CDP session (the browser goes).
  profile   - connect to URL; read a fixture page's localStorage and cookies, navigator.webdriver and
              the user agent; write localStorage and a cookie.
  detect    - connect to URL; load the fixture's detection page with its cross-origin frame served
              from URL2 (bot.html?cross=URL2) in a new page; report its tells, mismatches and realms.
"""
import json
import os
import sys
import time

from playwright.sync_api import sync_playwright


def wait_for_release(path):
    deadline = time.time() + 60
    while not os.path.exists(path) and time.time() < deadline:
        time.sleep(0.05)


def first_page(browser):
    context = browser.contexts[0]
    return context, (context.pages[0] if context.pages else context.new_page())


def main():
    scenario, out, release = sys.argv[1], sys.argv[2], sys.argv[3]
    urls, site = sys.argv[4:-1], sys.argv[-1]
    seen = {}
    with sync_playwright() as p:
        if scenario == "login":
            browser = p.chromium.connect_over_cdp(urls[0], timeout=20000)
            context, page = first_page(browser)
            seen["contexts"] = len(browser.contexts)
            seen["context_cookies"] = sorted(c["name"] for c in context.cookies())
            page.goto(site + "/cookies")
            seen["page_cookies"] = json.loads(page.inner_text("#cookies"))
            page.goto(site + "/login.html")
            page.fill("#username", "grace")
            page.fill("#password", "hunter2")
            page.click("#submit")
            page.wait_for_selector("#user")
            seen["user"] = page.inner_text("#user")
            seen["persona"] = page.evaluate("""async () => {
                const source = "postMessage([navigator.userAgent, navigator.hardwareConcurrency])";
                const worker = new Worker(URL.createObjectURL(new Blob([source], {type: "text/javascript"})));
                const inWorker = await new Promise(resolve => worker.onmessage = e => resolve(e.data));
                return {ua: navigator.userAgent, cores: navigator.hardwareConcurrency, webdriver: navigator.webdriver,
                        worker_ua: inWorker[0], worker_cores: inWorker[1]};
            }""")
            page.goto(site + "/storage/write.html?written_by=playwright")
            seen["screenshot_bytes"] = len(page.screenshot(full_page=True))
        elif scenario == "two":
            first = p.chromium.connect_over_cdp(urls[0], timeout=20000)
            second = p.chromium.connect_over_cdp(urls[1], timeout=20000)
            context_a, page_a = first_page(first)
            page_a.goto(site + "/storage/write.html?only_in=first")
            context_a.add_cookies([{"name": "only_first", "value": "1", "url": site}])
            context_b, page_b = first_page(second)
            page_b.goto(site + "/storage/read.html")
            seen["second_storage"] = json.loads(page_b.inner_text("#storage"))
            seen["second_cookies"] = sorted(c["name"] for c in context_b.cookies())
            seen["second_page_urls"] = [pg.url for c in second.contexts for pg in c.pages]
            seen["first_cookies"] = sorted(c["name"] for c in context_a.cookies())
        elif scenario == "profile":
            browser = p.chromium.connect_over_cdp(urls[0], timeout=20000)
            context, page = first_page(browser)
            page.goto(site + "/storage/read.html")
            seen["storage"] = json.loads(page.inner_text("#storage"))
            page.goto(site + "/cookies")
            seen["cookies"] = json.loads(page.inner_text("#cookies"))
            seen["webdriver"] = page.evaluate("navigator.webdriver")
            seen["ua"] = page.evaluate("navigator.userAgent")
            page.goto(site + "/storage/write.html?written_by=playwright")
            context.add_cookies([{"name": "from_script", "value": "1", "url": site}])
        elif scenario == "detect":
            browser = p.chromium.connect_over_cdp(urls[0], timeout=20000)
            page = browser.contexts[0].new_page()
            page.goto(site + "/bot.html?cross=" + urls[1])
            page.wait_for_selector("#result[data-ready]", timeout=30000)
            report = page.evaluate("window.botReport")
            seen["error"] = report.get("error")
            seen["tells"] = report.get("tells")
            seen["mismatches"] = report.get("mismatches")
            seen["lies"] = report.get("lies")
            seen["realms"] = {name: realm.get("values") for name, realm in (report.get("realms") or {}).items()}
        elif scenario == "close":
            browser = p.chromium.connect_over_cdp(urls[0], timeout=20000)
            browser.contexts[0].add_cookies([{"name": "closing", "value": "1", "url": site}])
            session = browser.new_browser_cdp_session()
            seen["version"] = session.send("Browser.getVersion")["product"]
            try:
                session.send("Browser.close")
                seen["close"] = "answered"
            except Exception as error:  # the connection may go before the answer is read
                seen["close"] = "connection ended: %s" % error
            with open(out, "w") as f:
                json.dump(seen, f)
            return
        with open(out + ".tmp", "w") as f:
            json.dump(seen, f)
        os.rename(out + ".tmp", out)
        wait_for_release(release)


if __name__ == "__main__":
    main()
