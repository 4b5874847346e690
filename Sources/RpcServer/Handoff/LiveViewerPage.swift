/// The page `/live/{token}` serves: self-contained (no external resource), it draws the frames its
/// WebSocket brings on a canvas fitted to the window, and sends the viewer's mouse, wheel, keys and
/// text back as `LiveInput` messages with points in CSS pixels of the canvas box and that box's size
/// (the server maps them to the page). Text goes through a hidden textarea, so typing, paste and IME
/// composition all arrive as text (`Input.insertText`); keys that type nothing (Enter, Backspace,
/// arrows, Tab, shortcuts) go as key events. From two tabs on (the session's page and the windows it
/// opened) a tab strip shows under the toolbar. `window.tidepoolLive` shows its state (tests read it).
enum LiveViewerPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Tidepool live view</title>
        <style>
        html, body { margin: 0; height: 100%; background: #1e1e1e; color: #eee; font: 14px system-ui, sans-serif; overflow: hidden; }
        #bar { display: flex; gap: 6px; align-items: center; height: 36px; padding: 0 6px; background: #2b2b2b; }
        #bar button { height: 28px; }
        #url { flex: 1; min-width: 0; height: 24px; }
        #status { white-space: nowrap; color: #bbb; }
        #done { background: #2e7d32; color: #fff; border: 0; border-radius: 4px; padding: 0 14px; font-weight: 600; }
        #stage { position: absolute; top: 36px; left: 0; right: 0; bottom: 0; display: flex; align-items: center; justify-content: center; }
        #screen { background: #fff; cursor: default; touch-action: none; }
        #tabs { display: none; gap: 4px; align-items: flex-end; height: 30px; padding: 0 6px; background: #242424; overflow-x: auto; }
        body.tabbed #tabs { display: flex; }
        body.tabbed #stage { top: 66px; }
        .tab { display: flex; align-items: center; flex: 0 1 220px; min-width: 60px; height: 26px; background: #333; border-radius: 4px 4px 0 0; }
        .tab.active { background: #5a5a5a; }
        .tab button { background: none; border: 0; color: #eee; cursor: pointer; height: 26px; }
        .tab .pick { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: left; padding: 0 8px; }
        .tab .close { color: #bbb; padding: 0 6px; }
        #keys { position: absolute; left: -10000px; top: 0; width: 20px; height: 20px; opacity: 0; }
        body.view .control { display: none; }
        </style>
        </head>
        <body class="view">
        <div id="bar">
          <button id="back" class="control" title="Back">&#9664;</button>
          <button id="forward" class="control" title="Forward">&#9654;</button>
          <input id="url" class="control" spellcheck="false" autocomplete="off" aria-label="Address">
          <span id="status">connecting&hellip;</span>
          <button id="done" title="End the live view (the session carries on with what you did)">Done</button>
        </div>
        <div id="tabs" role="tablist" aria-label="Windows of the page"></div>
        <div id="stage"><canvas id="screen" width="1" height="1"></canvas></div>
        <textarea id="keys" autocomplete="off" autocapitalize="off" spellcheck="false"></textarea>
        <script>
        (function () {
          "use strict";
          var state = window.tidepoolLive = { frames: 0, width: 0, height: 0, mode: null, url: null, ended: null, open: false, tabs: [], active: null, frameTab: null };
          var canvas = document.getElementById("screen"), context = canvas.getContext("2d");
          var stage = document.getElementById("stage"), keys = document.getElementById("keys");
          var urlBar = document.getElementById("url"), status = document.getElementById("status"), strip = document.getElementById("tabs");
          var socket = new WebSocket(location.href.replace(/^http/, "ws").replace(/[?#].*$/, "").replace(/\/$/, "") + "/ws");
          var buttons = ["left", "middle", "right", "back", "forward"];

          function send(message) { if (socket.readyState === 1) socket.send(JSON.stringify(message)); }
          function control() { return state.mode === "control" && !state.ended; }
          function modifiers(e) { return (e.altKey ? 1 : 0) | (e.ctrlKey ? 2 : 0) | (e.metaKey ? 4 : 0) | (e.shiftKey ? 8 : 0); }
          function fit() {
            if (!canvas.width || !state.width) return;
            var scale = Math.min(stage.clientWidth / canvas.width, stage.clientHeight / canvas.height);
            canvas.style.width = (canvas.width * scale) + "px";
            canvas.style.height = (canvas.height * scale) + "px";
          }
          window.addEventListener("resize", fit);

          socket.onopen = function () { state.open = true; status.textContent = "connected"; };
          socket.onclose = function () { state.open = false; if (!state.ended) { state.ended = "disconnected"; } status.textContent = "ended (" + state.ended + ")"; };
          socket.onmessage = function (event) {
            var message = JSON.parse(event.data);
            if (message.t === "frame") {
              var image = new Image();
              image.onload = function () {
                if (canvas.width !== image.naturalWidth || canvas.height !== image.naturalHeight) {
                  canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
                }
                context.drawImage(image, 0, 0);
                state.width = message.w; state.height = message.h; state.frames += 1; state.frameTab = message.tab;
                fit();
              };
              image.src = "data:image/jpeg;base64," + message.data;
            } else if (message.t === "hello") {
              state.mode = message.mode;
              document.body.classList.remove("view", "control");
              document.body.classList.add(message.mode);
              status.textContent = message.mode === "control" ? "live: you are in control" : "live: view only";
            } else if (message.t === "url") {
              state.url = message.url;
              if (document.activeElement !== urlBar) urlBar.value = message.url;
            } else if (message.t === "tabs") {
              showTabs(message);
            } else if (message.t === "ended") {
              state.ended = message.reason;
              status.textContent = "ended (" + message.reason + ")";
            }
          };

          // The session's page and the windows it opened: a tab each (shown from two on); a click shows
          // one, its cross closes a window (in control mode; the session's page has none).
          function showTabs(message) {
            state.tabs = message.tabs;
            state.active = message.active;
            strip.textContent = "";
            message.tabs.forEach(function (tab, index) {
              var item = document.createElement("span");
              item.className = "tab" + (tab.id === message.active ? " active" : "");
              item.setAttribute("role", "tab");
              item.dataset.id = tab.id;
              var pick = document.createElement("button");
              pick.className = "pick";
              pick.textContent = tab.title || tab.url || "New window";
              pick.title = tab.url;
              pick.addEventListener("click", function () { send({ t: "tab", id: tab.id }); keys.focus(); });
              item.appendChild(pick);
              if (index > 0) {
                var close = document.createElement("button");
                close.className = "close control";
                close.textContent = "\u00d7";
                close.title = "Close this window";
                close.addEventListener("click", function () { send({ t: "close_tab", id: tab.id }); });
                item.appendChild(close);
              }
              strip.appendChild(item);
            });
            document.body.classList.toggle("tabbed", message.tabs.length > 1);
            fit();
          }

          function point(e, extra) {
            var box = canvas.getBoundingClientRect();
            extra.x = e.clientX - box.left; extra.y = e.clientY - box.top; extra.w = box.width; extra.h = box.height;
            extra.modifiers = modifiers(e);
            return extra;
          }
          canvas.addEventListener("mousedown", function (e) {
            e.preventDefault();
            keys.focus();
            if (control()) send(point(e, { t: "mouse", type: "mousePressed", button: buttons[e.button] || "none", buttons: e.buttons, clickCount: e.detail || 1 }));
          });
          canvas.addEventListener("mouseup", function (e) {
            if (control()) send(point(e, { t: "mouse", type: "mouseReleased", button: buttons[e.button] || "none", buttons: e.buttons, clickCount: e.detail || 1 }));
          });
          canvas.addEventListener("mousemove", function (e) {
            // Moves are dropped while the socket is behind: the latest one matters.
            if (control() && socket.bufferedAmount < 65536) send(point(e, { t: "mouse", type: "mouseMoved", button: "none", buttons: e.buttons, clickCount: 0 }));
          });
          canvas.addEventListener("wheel", function (e) {
            e.preventDefault();
            var unit = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
            if (control()) send(point(e, { t: "wheel", dx: e.deltaX * unit, dy: e.deltaY * unit }));
          }, { passive: false });
          canvas.addEventListener("contextmenu", function (e) { e.preventDefault(); });

          // Keys that type text are left to the textarea (its input event sends the text); others go as keys.
          function typesText(e) {
            if (e.isComposing || e.key === "Process" || e.key === "Dead" || e.key === "Unidentified") return true;
            if ((e.ctrlKey || e.metaKey) && (e.key === "v" || e.key === "V")) return true;
            return e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
          }
          keys.addEventListener("keydown", function (e) {
            if (typesText(e)) return;
            e.preventDefault();
            if (control()) send({ t: "key", type: "keyDown", key: e.key, code: e.code, keyCode: e.keyCode, modifiers: modifiers(e) });
          });
          keys.addEventListener("keyup", function (e) {
            if (typesText(e)) return;
            if (control()) send({ t: "key", type: "keyUp", key: e.key, code: e.code, keyCode: e.keyCode, modifiers: modifiers(e) });
          });
          function flush() {
            var text = keys.value;
            keys.value = "";
            if (text && control()) send({ t: "text", text: text });
          }
          keys.addEventListener("input", function (e) { if (!e.isComposing) flush(); });
          keys.addEventListener("compositionend", flush);

          function go() {
            var target = urlBar.value.trim();
            if (!target) return;
            if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) target = "http://" + target;
            send({ t: "navigate", url: target });
            keys.focus();
          }
          urlBar.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); go(); } });
          document.getElementById("back").addEventListener("click", function () { send({ t: "back" }); });
          document.getElementById("forward").addEventListener("click", function () { send({ t: "forward" }); });
          document.getElementById("done").addEventListener("click", function () {
            send({ t: "done" });
            status.textContent = "finishing\u2026";
          });
        })();
        </script>
        </body>
        </html>
        """#
}
