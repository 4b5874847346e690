"""A person's browser on a Tidepool live view (live.create), driven by Playwright for Python, for LiveViewTests.

    python3 live_viewer.py SCENARIO OUT_FILE RELEASE_FILE LIVE_URL SITE [WIDTH HEIGHT SCALE [SCREENSHOT]]

Launches Debian's headless Chromium (closed before exiting), opens LIVE_URL in a viewer window of
WIDTH x HEIGHT CSS pixels at device scale SCALE, waits for the first frame, then:
  control - clicks the canvas where the fixture /live.html's button is (page CSS point 200,140),
            waits until the page's URL shows the click (#clicked-N), clicks the text field, types
            "Grüße 東京" (given SCREENSHOT, saves the viewer window there), presses Done and waits for
            the view to end.
  login   - opens SITE/login.html through the URL bar, clicks and types the user and the password
            where a page of the session's size has its fields, presses Enter, waits for /dashboard,
            goes back and forward, presses Done and waits for the view to end.
  tabs    - clicks the page's "Open a window" button (page CSS point 200,350); waits until the
            popup shows as a second, shown tab and a frame of it arrived; clicks the popup's button;
            shows the first tab again from the strip; closes the popup with its cross; presses Done.
  leave   - closes its browser after the first frame, without Done.
  stall   - no browser: opens the view's WebSocket with a tiny receive buffer, writes the upgrade's
            status, then reads nothing until RELEASE_FILE exists (a viewer that stopped reading); then
            reads until the server closes the connection (at most 30 s) and writes OUT_FILE.end.
  view    - (given SCREENSHOT, saves the viewer window there first) flips its page script to control mode
            (a hostile viewer), clicks where the button is, types, writes what it saw, waits (at most 60 s) until RELEASE_FILE
            exists, then presses Done and waits for the view to end.
Writes what it saw as JSON to OUT_FILE (in view: before waiting for the release; then OUT_FILE.end).
"""
import base64
import json
import os
import socket
import sys
import time
import urllib.parse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/lib/chromium/chromium-headless-shell"
STATE = "window.tidepoolLive"


def write(path, seen):
    with open(path + ".tmp", "w") as f:
        json.dump(seen, f, ensure_ascii=False)
    os.rename(path + ".tmp", path)


def wait_for_release(path):
    deadline = time.time() + 60
    while not os.path.exists(path) and time.time() < deadline:
        time.sleep(0.05)


def state(page):
    return page.evaluate(STATE)


def nonblank_pixels(page):
    """Pixels of the canvas that are not (near) white: the session's page drawn on it."""
    return page.evaluate("""() => {
        const canvas = document.getElementById('screen');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) count++;
        return count;
    }""")


def viewer_point(page, x, y):
    """Where the page's CSS point (x, y) is drawn on the viewer's canvas."""
    box = page.evaluate("(() => { const r = document.getElementById('screen').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()")
    live = state(page)
    return box[0] + x / live["width"] * box[2], box[1] + y / live["height"] * box[3]


def click_page_point(page, x, y):
    vx, vy = viewer_point(page, x, y)
    page.mouse.click(vx, vy)


def done(page, seen):
    page.click("#done")
    page.wait_for_function(STATE + ".ended !== null", timeout=30000)
    seen["ended"] = state(page)["ended"]


def stall(live_url, out, release, seen):
    url = urllib.parse.urlparse(live_url)
    connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Set before connecting, so the window the server may fill stays small.
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.connect((url.hostname, url.port))
    key = base64.b64encode(os.urandom(16)).decode()
    connection.sendall((
        "GET %s/ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (url.path, url.netloc, key)).encode())
    seen["status"] = int(connection.recv(12).split()[1])
    write(out, seen)
    wait_for_release(release)
    # The view has ended: the server has cut the connection that stopped reading, so reading now drains
    # what had reached the socket and then meets its end - with no close frame among it (a server that
    # waited for this viewer would send the close frame only now, and end the connection after its own
    # close timeout).
    connection.settimeout(30)
    received = bytearray()
    seen["closed_by_server"] = False
    try:
        while True:
            chunk = connection.recv(1 << 20)
            if not chunk:
                seen["closed_by_server"] = True
                break
            received += chunk
    except ConnectionResetError:
        seen["closed_by_server"] = True
    except socket.timeout:
        pass
    opcodes = websocket_opcodes(bytes(received))
    seen["frames_after_release"] = len(opcodes)
    seen["close_frame"] = 8 in opcodes
    write(out + ".end", seen)
    connection.close()


def websocket_opcodes(data):
    """The opcodes of the complete server frames in data (the rest of the upgrade's head first)."""
    head = data.find(b"\r\n\r\n")
    position = head + 4 if head >= 0 else len(data)
    opcodes = []
    while position + 2 <= len(data):
        opcode, length = data[position] & 0x0F, data[position + 1] & 0x7F
        position += 2
        if length >= 126:
            size = 2 if length == 126 else 8
            if position + size > len(data):
                break
            length = int.from_bytes(data[position:position + size], "big")
            position += size
        if position + length > len(data):
            break
        opcodes.append(opcode)
        position += length
    return opcodes


def main():
    scenario, out, release, live_url, site = sys.argv[1:6]
    width, height, scale = (int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8])) if len(sys.argv) > 8 else (1280, 800, 1.0)
    screenshot = sys.argv[9] if len(sys.argv) > 9 else None
    seen = {}
    if scenario == "stall":
        stall(live_url, out, release, seen)
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            # bypass_csp: Playwright evaluates its wait_for_function predicates with eval, which the page's CSP forbids.
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale, bypass_csp=True)
            page = context.new_page()
            response = page.goto(live_url)
            seen["status"] = response.status
            page.wait_for_function(STATE + ".frames > 0 && " + STATE + ".mode !== null", timeout=20000)
            start = state(page)
            seen["mode"] = start["mode"]
            seen["page_size"] = [start["width"], start["height"]]
            seen["nonblank"] = nonblank_pixels(page)
            seen["canvas_box"] = page.evaluate("(() => { const r = document.getElementById('screen').getBoundingClientRect(); return [r.width, r.height]; })()")
            seen["reload_status"] = context.request.get(live_url).status
            if scenario == "control":
                click_page_point(page, 200, 140)
                page.wait_for_function(STATE + ".url !== null && " + STATE + ".url.includes('#clicked-')", timeout=20000)
                seen["url_after_click"] = state(page)["url"]
                click_page_point(page, 250, 260)
                page.keyboard.type("Grüße 東京")
                if screenshot:
                    page.wait_for_timeout(500)  # the frames that show the typed text
                    page.screenshot(path=screenshot)
                    seen["screenshot_canvas_drawn"] = nonblank_pixels(page)
                done(page, seen)
            elif scenario == "login":
                probe = context.new_page()
                probe.set_viewport_size({"width": int(start["width"]), "height": int(start["height"])})
                probe.goto(site + "/login.html")
                boxes = {}
                for field in ["#username", "#password"]:
                    box = probe.locator(field).bounding_box()
                    boxes[field] = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                probe.close()
                # The login page's fields are there once a frame drawn after its URL arrived. Its frame
                # count is taken in the page, as the URL message is handled: read afterwards from here,
                # it may already count every frame the static page sends (and none would follow).
                page.evaluate("""() => {
                    const live = window.tidepoolLive;
                    let url = live.url;
                    Object.defineProperty(live, "url", {
                        configurable: true, enumerable: true, get() { return url; },
                        set(value) {
                            if (live.framesAtLogin === undefined && value && value.endsWith("/login.html")) live.framesAtLogin = live.frames;
                            url = value;
                        },
                    });
                }""")
                page.fill("#url", site + "/login.html")
                page.press("#url", "Enter")
                page.wait_for_function(STATE + ".framesAtLogin !== undefined && " + STATE + ".frames > " + STATE + ".framesAtLogin", timeout=20000)
                click_page_point(page, *boxes["#username"])
                page.keyboard.type("grace")
                click_page_point(page, *boxes["#password"])
                page.keyboard.type("hunter2")
                page.keyboard.press("Enter")
                page.wait_for_function(STATE + ".url !== null && " + STATE + ".url.includes('/dashboard')", timeout=20000)
                seen["url_after_login"] = state(page)["url"]
                page.click("#back")
                page.wait_for_function(STATE + ".url.endsWith('/login.html')", timeout=20000)
                seen["url_after_back"] = state(page)["url"]
                page.click("#forward")
                page.wait_for_function(STATE + ".url.includes('/dashboard')", timeout=20000)
                seen["url_after_forward"] = state(page)["url"]
                done(page, seen)
            elif scenario == "tabs":
                seen["strip_visible_at_start"] = page.is_visible("#tabs")
                click_page_point(page, 200, 350)
                shown_popup = STATE + ".tabs.length === 2 && " + STATE + ".active === " + STATE + ".tabs[1].id"
                page.wait_for_function(shown_popup + " && " + STATE + ".frameTab === " + STATE + ".active", timeout=20000)
                page.wait_for_function(STATE + ".url !== null && " + STATE + ".url.includes('?popup')", timeout=20000)
                page.wait_for_function(STATE + ".tabs[1].title === 'Popup window'", timeout=20000)
                seen["tabs_after_open"] = state(page)["tabs"]
                seen["strip_visible"] = page.is_visible("#tabs")
                seen["url_of_popup"] = state(page)["url"]
                click_page_point(page, 200, 140)
                page.wait_for_function(STATE + ".url.includes('?popup#clicked-')", timeout=20000)
                seen["popup_url_after_click"] = state(page)["url"]
                if screenshot:
                    # The popup's frame with the click in it, under the two-tab strip.
                    page.wait_for_function(STATE + ".frameTab === " + STATE + ".active", timeout=20000)
                    page.screenshot(path=screenshot)
                    seen["screenshot_canvas_drawn"] = nonblank_pixels(page)
                page.click("#tabs .tab:nth-child(1) .pick")
                page.wait_for_function(
                    STATE + ".active === " + STATE + ".tabs[0].id && " + STATE + ".frameTab === " + STATE + ".active && !"
                    + STATE + ".url.includes('?popup')", timeout=20000)
                seen["url_after_switch_back"] = state(page)["url"]
                page.click("#tabs .tab:nth-child(2) .close")
                page.wait_for_function(STATE + ".tabs.length === 1", timeout=20000)
                seen["strip_visible_after_close"] = page.is_visible("#tabs")
                done(page, seen)
            elif scenario == "leave":
                pass  # the browser closes without Done
            elif scenario == "view":
                if screenshot:
                    # The view as its viewer sees it (no address bar, no Done), before the tampering.
                    page.wait_for_timeout(500)
                    page.screenshot(path=screenshot)
                    seen["screenshot_canvas_drawn"] = nonblank_pixels(page)
                # A viewer whose page script was changed to send input anyway: the server drops it.
                page.evaluate(STATE + ".mode = 'control'")
                click_page_point(page, 200, 140)
                page.keyboard.type("x")
                write(out, seen)
                wait_for_release(release)
                done(page, seen)
                write(out + ".end", seen)
                return
            write(out, seen)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
