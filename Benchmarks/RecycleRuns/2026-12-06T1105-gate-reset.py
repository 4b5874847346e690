# Can a recycled page skip the blank (park) document between renders? Throwaway experiment for
# issue 16 (BENCHMARKS.md, "A gate in the next document instead of a park document").
#
# The park reset runs the render's unload handlers on a blank same-origin document, clears, checks,
# and only then lets the next render navigate. The gate reset navigates straight to the next URL; an
# init script added for that one navigation stops the new document before any of its own scripts run,
# with a synchronous XMLHttpRequest that request interception holds while the browser clears (after
# the old document's unload handlers, which run before the new document is created). Question 1: is
# it cheaper (CPU of the browser's process tree per render)? Question 2: does it contain what the old
# document writes from timers and unload handlers?
#
# Run: pip install websockets
#   python3 THIS cost /usr/lib/chromium/chromium-headless-shell MODE WORKERS RENDERS   (MODE none|park|gate|gatefreeze|gate2)
#   python3 THIS events|sw /usr/lib/chromium/chromium-headless-shell gate|gate2
#   python3 THIS leak /usr/lib/chromium/chromium-headless-shell MODE [/w: a worker writing IndexedDB and Cache Storage]
#   python3 THIS leak /usr/lib/chromium/chromium-headless-shell MODE                   (MODE park|gate)
import asyncio, base64, json, os, re, subprocess, sys, tempfile, threading, time, shutil
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
import websockets

STATIC = open(os.path.join(os.path.dirname(__file__), '../../Tests/Fixtures/Site/static.html'), 'rb').read()
HOSTILE = b"""<!doctype html><title>A</title><script>
const w = (k) => { try { localStorage.setItem(k, '1'); sessionStorage.setItem(k, '1'); document.cookie = k + '=1; path=/'; window.name = k; } catch (e) {} };
w('script');
setInterval(() => w('timer'), 1);
for (const t of ['unload', 'pagehide', 'beforeunload', 'pageswap']) addEventListener(t, () => { w('ev_' + t); indexedDB.open('db_' + t); caches.open('c_' + t); navigator.sendBeacon('/beacon?' + t); });
document.addEventListener('visibilitychange', () => w('ev_vis'));
</script><p>A"""
PROBE = b"""<!doctype html><title>B</title><script>
window.seen = {vis: document.visibilityState, ls: Object.keys(localStorage), ss: Object.keys(sessionStorage), cookie: document.cookie, name: window.name,
  history: history.length, resources: performance.getEntriesByType('resource').map(e => e.name)};
(async () => { window.seen.idb = (await indexedDB.databases()).map(d => d.name); window.seen.caches = await caches.keys(); window.done = true; })();
</script><p>B"""
EVENTS = b"""<!doctype html><title>E</title><script>
setInterval(() => console.log('old-timer'), 1);
addEventListener('pagehide', () => { console.log('old-pagehide'); fetch('/old-pagehide-fetch'); });
addEventListener('beforeunload', () => { document.cookie = 'from_beforeunload=1; path=/'; });
</script><p>E"""
SW_PAGE = b"""<!doctype html><title>S</title><script>
navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready).then(() => { window.ready = true; });
</script><p>S"""
SW = b"""self.addEventListener('install', e => self.skipWaiting());
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', e => { if (e.request.url.includes('__tidepool_gate__')) e.respondWith(new Response('from the worker')); });"""
WORKER_PAGE = b"""<!doctype html><title>W</title><script>
window.w = new Worker('/writer.js');
</script><p>W"""
WRITER = b"""let n = 0;
const tick = () => {
  n++;
  const r = indexedDB.open('worker_db_' + (n % 50));
  r.onupgradeneeded = () => r.result.createObjectStore('s');
  r.onsuccess = () => { r.result.close(); };
  caches.open('worker_cache_' + (n % 50));
  setTimeout(tick, 0);
};
tick();"""
PARK = '/__tidepool_parked__'
GATE = '/__tidepool_gate__'
ANSWER = 'gate-answer-7f3c'
GATE_SCRIPT = """(() => {
  if (window !== window.top || location.pathname === '%s') return;
  const x = new XMLHttpRequest();
  x.open('GET', '%s', false);
  try { x.send(); } catch (e) {}
  if (x.responseText !== '%s') { window.stop(); document.documentElement && document.documentElement.remove(); return; }
  window.name = '';
  sessionStorage.clear();
  localStorage.clear();
  performance.clearResourceTimings();
})()""" % (PARK, GATE, ANSWER)
LEFTOVER = """(async () => { const left = [];
  if (document.cookie !== '') left.push('cookies'); if (localStorage.length) left.push('localStorage');
  if (sessionStorage.length) left.push('sessionStorage'); if (window.name !== '') left.push('window.name');
  if (history.length > 1) left.push('history'); if ((await indexedDB.databases()).length) left.push('IndexedDB');
  if ((await caches.keys()).length) left.push('Cache Storage'); return left; })()"""


class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_GET(self):
        body = {'/a': HOSTILE, '/b': PROBE, '/e': EVENTS, '/s': SW_PAGE, '/sw.js': SW, '/w': WORKER_PAGE, '/writer.js': WRITER}.get(self.path.split('?')[0], STATIC)
        self.send_response(200)
        self.send_header('content-type', 'text/javascript' if self.path.endswith('.js') else 'text/html')
        self.send_header('content-length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.send_response(204)
        self.send_header('set-cookie', 'beacon=1; path=/; HttpOnly')
        self.send_header('content-length', '0')
        self.end_headers()

    def log_message(self, *a):
        pass


class C:
    def __init__(s, ws):
        s.ws, s.n, s.waits, s.listeners = ws, 0, {}, []

    async def pump(s):
        async for m in s.ws:
            d = json.loads(m)
            if 'id' in d:
                f = s.waits.pop(d['id'], None)
                if f and not f.done(): f.set_result(d)
            else:
                for l in list(s.listeners): l(d)

    async def send(s, method, params=None, sid=None, timeout=10):
        s.n += 1
        f = asyncio.get_running_loop().create_future()
        s.waits[s.n] = f
        msg = {'id': s.n, 'method': method, 'params': params or {}}
        if sid: msg['sessionId'] = sid
        await s.ws.send(json.dumps(msg))
        r = await asyncio.wait_for(f, timeout)
        if 'error' in r: raise RuntimeError(f"{method}: {r['error']}")
        return r['result']

    def wait_event(s, method, sid, pred=lambda p: True):
        f = asyncio.get_running_loop().create_future()
        def l(d):
            if d.get('method') == method and d.get('sessionId') == sid and pred(d.get('params', {})) and not f.done():
                f.set_result(d['params'])
                s.listeners.remove(l)
        s.listeners.append(l)
        return f


class Worker:
    def __init__(s, c, origin):
        s.c, s.origin, s.installed = c, origin, None

    async def open(s):
        c = s.c
        s.ctx = (await c.send('Target.createBrowserContext'))['browserContextId']
        tid = (await c.send('Target.createTarget', {'url': 'about:blank', 'browserContextId': s.ctx}))['targetId']
        s.sid = (await c.send('Target.attachToTarget', {'targetId': tid, 'flatten': True}))['sessionId']
        for m in ('Page.enable', 'Network.enable', 'Runtime.enable'):
            await c.send(m, sid=s.sid)
        await c.send('Page.setLifecycleEventsEnabled', {'enabled': True}, s.sid)
        s.c.listeners.append(s.on_event)
        s.gate_hook = None
        s.frozen = False
        s.inert = False

    def on_event(s, d):
        if d.get('sessionId') != s.sid or d.get('method') != 'Fetch.requestPaused': return
        p = d['params']
        url = p['request']['url']
        if url.endswith(PARK):
            asyncio.create_task(s.c.send('Fetch.fulfillRequest', {'requestId': p['requestId'], 'responseCode': 200,
                'responseHeaders': [{'name': 'content-type', 'value': 'text/html'}], 'body': ''}, s.sid))
        elif url.endswith(GATE) and s.gate_hook:
            asyncio.create_task(s.gate_hook(p['requestId']))
        elif p.get('resourceType') == 'Document' and 'responseStatusCode' in p:
            # gate2: the document's response is in; only now may scripts run again (the old document's
            # timers resume here, after the request went out; the gate clears what they write).
            async def resume():
                await s.c.send('Emulation.setScriptExecutionDisabled', {'value': False}, s.sid)
                await s.c.send('Fetch.continueRequest', {'requestId': p['requestId']}, s.sid)
            asyncio.create_task(resume())

    async def ev(s, expr):
        r = await s.c.send('Runtime.evaluate', {'expression': expr, 'returnByValue': True, 'awaitPromise': True}, s.sid)
        return r['result'].get('value')

    async def go(s, url):
        loaded = s.c.wait_event('Page.lifecycleEvent', s.sid, lambda p: p.get('name') == 'load')
        r = await s.c.send('Page.navigate', {'url': url}, s.sid)
        if r.get('errorText'): raise RuntimeError(r['errorText'])
        await asyncio.wait_for(loaded, 10)

    async def clears(s, check):
        c, sid = s.c, s.sid
        await asyncio.gather(
            c.send('Page.resetNavigationHistory', sid=sid),
            c.send('Network.clearBrowserCache', sid=sid),
            c.send('Storage.clearCookies', {'browserContextId': s.ctx}),
            c.send('Browser.resetPermissions', {'browserContextId': s.ctx}),
            c.send('Storage.clearDataForOrigin', {'origin': s.origin, 'storageTypes': 'all'}, sid))
        if check:
            # Browser-side only (IndexedDB.* and CacheStorage.* are answered by the blocked renderer).
            cookies, usage = await asyncio.gather(
                c.send('Storage.getCookies', {'browserContextId': s.ctx}),
                c.send('Storage.getUsageAndQuota', {'origin': s.origin + '/'}, sid))
            left = ['cookies'] if cookies['cookies'] else []
            left += [u['storageType'] for u in usage['usageBreakdown'] if u['usage']]
            return left
        return []

    async def park_reset(s):
        c, sid = s.c, s.sid
        await c.send('Fetch.enable', {'patterns': [{'urlPattern': s.origin + PARK}]}, sid)
        await s.go(s.origin + PARK)
        await s.ev("(() => { window.name = ''; sessionStorage.clear(); return true; })()")
        await asyncio.gather(c.send('Fetch.disable', sid=sid), s.clears(check=False))
        left = await s.ev(LEFTOVER)
        if left: raise RuntimeError(f'park left {left}')

    async def gate_render(s, url):
        """Navigates to url through the gate: clears run while the new document waits at its start."""
        c, sid = s.c, s.sid
        done = asyncio.get_running_loop().create_future()
        async def hook(request_id):
            try:
                # Only browser-side commands here: the renderer's main thread is blocked in the request.
                if s.frozen:
                    await c.send('Page.setWebLifecycleState', {'state': 'active'}, sid)
                    await c.send('Page.bringToFront', sid=sid)
                left = await s.clears(check=True)
                await c.send('Fetch.fulfillRequest', {'requestId': request_id, 'responseCode': 200,
                    'responseHeaders': [{'name': 'content-type', 'value': 'text/plain'}],
                    'body': base64.b64encode(ANSWER.encode()).decode()}, sid)
                done.set_result(left)
            except Exception as e:
                done.set_exception(e)
        s.gate_hook = hook
        # Before the request: the old document's cookies and cached responses must not go out with it.
        s.installed = (await asyncio.gather(
            c.send('Fetch.enable', {'patterns': [{'urlPattern': s.origin + GATE}] + ([{'urlPattern': '*', 'resourceType': 'Document', 'requestStage': 'Response'}] if s.inert else [])}, sid),
            c.send('Page.addScriptToEvaluateOnNewDocument', {'source': GATE_SCRIPT}, sid),
            c.send('Storage.clearCookies', {'browserContextId': s.ctx}),
            c.send('Network.clearBrowserCache', sid=sid)))[1]['identifier']
        await s.go(url)
        left = await asyncio.wait_for(done, 10)
        await asyncio.gather(c.send('Fetch.disable', sid=sid),
            c.send('Page.removeScriptToEvaluateOnNewDocument', {'identifier': s.installed}, sid))
        s.gate_hook = None
        if left: raise RuntimeError(f'gate left {left}')

    async def render(s, url, mode, first):
        if mode.startswith('gate') and not first:
            await s.gate_render(url)
        else:
            await s.go(url)
        html = await s.ev('document.documentElement.outerHTML')
        if mode == 'park':
            await s.park_reset()
        s.frozen = mode == 'gatefreeze'
        s.inert = mode == 'gate2'
        if s.inert:
            # gate2: the old document is inert while parked (no timers, no beforeunload at the next navigation).
            await s.c.send('Emulation.setScriptExecutionDisabled', {'value': True}, s.sid)
        if s.frozen:
            await s.c.send('Page.setWebLifecycleState', {'state': 'frozen'}, s.sid)
        return html


def tree_cpu(root):
    """CPU seconds of root and its descendants, reaped children included."""
    kids = {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            st = open(f'/proc/{p}/stat').read()
        except OSError:
            continue
        f = st[st.rfind(')') + 2:].split()
        kids.setdefault(int(f[1]), []).append((int(p), f))
    total, stack = 0.0, [root]
    self_stat = open(f'/proc/{root}/stat').read()
    f = self_stat[self_stat.rfind(')') + 2:].split()
    total += sum(int(x) for x in f[11:15])
    while stack:
        for pid, f in kids.get(stack.pop(), []):
            total += sum(int(x) for x in f[11:15])
            stack.append(pid)
    return total / os.sysconf('SC_CLK_TCK')


async def main():
    what, exe, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    srv = ThreadingHTTPServer(('127.0.0.1', 0), H)
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    origin = f'http://127.0.0.1:{port}'
    ud = tempfile.mkdtemp()
    proc = subprocess.Popen([exe, '--no-sandbox', '--headless', '--remote-debugging-port=0',
        '--remote-debugging-address=127.0.0.1', f'--user-data-dir={ud}', 'about:blank'],
        stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in proc.stderr:
            m = re.search(r'(ws://\S+)', line)
            if m:
                url = m.group(1)
                break
        threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
        async with websockets.connect(url, max_size=None) as ws:
            c = C(ws)
            pump = asyncio.create_task(c.pump())
            if what == 'events':
                # What reaches the page's session around the gate: is every event of the old document before
                # the new document's commit (Runtime.executionContextsCleared, Page.frameNavigated)?
                w = Worker(c, origin)
                await w.open()
                await c.send('Network.enable', sid=w.sid)
                await w.go(origin + '/e')
                await asyncio.sleep(0.1)
                w.inert = mode == 'gate2'
                if w.inert: await c.send('Emulation.setScriptExecutionDisabled', {'value': True}, w.sid)
                log = []
                def rec(d):
                    if d.get('sessionId') != w.sid: return
                    m, p = d.get('method'), d.get('params', {})
                    if m == 'Runtime.consoleAPICalled': log.append('console ' + p['args'][0].get('value', ''))
                    elif m == 'Network.requestWillBeSent': log.append('request ' + p['request']['url'].split('/')[-1] + ' loader ' + p.get('loaderId', '')[:6])
                    elif m == 'Network.requestWillBeSentExtraInfo':
                        sent = [x['cookie']['name'] for x in p.get('associatedCookies', []) if not x.get('blockedReasons')]
                        if sent: log.append('cookies sent ' + str(sent))
                    elif m in ('Runtime.executionContextsCleared', 'Page.frameNavigated', 'Fetch.requestPaused'): log.append(m)
                c.listeners.append(rec)
                await w.gate_render(origin + '/b')
                await asyncio.sleep(0.3)
                c.listeners.remove(rec)
                collapsed = []
                for x in log:
                    if collapsed and collapsed[-1][0] == x: collapsed[-1][1] += 1
                    else: collapsed.append([x, 1])
                for x, n in collapsed: print(f'  {x}' + (f' x{n}' if n > 1 else ''))
            elif what == 'sw':
                # A service worker of the origin answers the gate's request itself: the gate is never reached.
                w = Worker(c, origin)
                await w.open()
                await w.go(origin + '/s')
                for _ in range(100):
                    if await w.ev('window.ready === true && !!navigator.serviceWorker.controller'): break
                    await asyncio.sleep(0.05)
                reached = []
                old = w.gate_hook
                try:
                    s_ = w
                    orig = s_.clears
                    async def clears(check): reached.append(True); return await orig(check)
                    s_.clears = clears
                    await asyncio.wait_for(s_.gate_render(origin + '/b'), 5)
                except Exception as e:
                    print('gate render:', type(e).__name__, e)
                await asyncio.sleep(0.3)
                print('gate reached' if reached else 'gate not reached',
                      '| B ran its script:', await w.ev('typeof window.seen !== "undefined"'),
                      '| document:', json.dumps(await w.ev('document.documentElement ? document.documentElement.outerHTML.slice(0, 80) : null')))
            elif what == 'leak':
                w = Worker(c, origin)
                await w.open()
                await w.go(origin + (sys.argv[4] if len(sys.argv) > 4 else '/a'))
                await asyncio.sleep(0.2)
                print(mode, 'A wrote', json.dumps(await w.ev("(async () => ({idb: (await indexedDB.databases()).length, caches: (await caches.keys()).length, ls: localStorage.length}))()")))
                if mode == 'park':
                    await w.park_reset()
                    await w.go(origin + '/b')
                else:
                    w.frozen = mode == 'gatefreeze'
                    w.inert = mode == 'gate2'
                    if w.inert: await c.send('Emulation.setScriptExecutionDisabled', {'value': True}, w.sid)
                    if w.frozen: await c.send('Page.setWebLifecycleState', {'state': 'frozen'}, w.sid)
                    await w.gate_render(origin + '/b')
                for _ in range(100):
                    if await w.ev('window.done === true'): break
                    await asyncio.sleep(0.02)
                print(mode, 'B saw', json.dumps(await w.ev('window.seen')), await w.ev('document.visibilityState + " " + document.hidden + " focus " + document.hasFocus()'))
                await asyncio.sleep(0.5)
                print(mode, 'cookies 0.5 s later', [x['name'] for x in (await c.send('Storage.getCookies', {'browserContextId': w.ctx}))['cookies']])
            else:
                workers, renders = int(sys.argv[4]), int(sys.argv[5])
                ws_ = [Worker(c, origin) for _ in range(workers)]
                for w in ws_: await w.open()
                counter = iter(range(10**9))
                async def loop(w, n, first):
                    for i in range(n):
                        html = await w.render(f'{origin}/static.html?page={next(counter) % 64}', mode, first and i == 0)
                        assert 'Static fixture page' in html
                # warm up: a few renders each
                await asyncio.gather(*(loop(w, 4, True) for w in ws_))
                cpu0, t0 = tree_cpu(proc.pid), time.time()
                await asyncio.gather(*(loop(w, renders // workers, False) for w in ws_))
                cpu1, t1 = tree_cpu(proc.pid), time.time()
                n = renders // workers * workers
                print(f'{mode:5} workers {workers} renders {n}: {n / (t1 - t0):.1f}/s, browser CPU per render {(cpu1 - cpu0) / n * 1000:.1f} ms')
            await c.send('Browser.close')
            pump.cancel()
    finally:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        srv.shutdown()
        shutil.rmtree(ud, ignore_errors=True)


asyncio.run(main())
