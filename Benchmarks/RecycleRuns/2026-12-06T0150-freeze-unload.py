# Does freezing a page (Page.setWebLifecycleState frozen) or switching its scripts off
# (Emulation.setScriptExecutionDisabled) keep its unload handlers from writing after the clears?
# Throwaway experiment for issue 16 (BENCHMARKS.md, "Freezing the page instead of a second document").
# Run: pip install websockets; python3 THIS /usr/lib/chromium/chromium-headless-shell navigate-frozen|nojs
A = b"""<!doctype html><title>A</title><script>
localStorage.setItem('a','1');
setInterval(()=>{localStorage.setItem('tick', String(+(localStorage.getItem('tick')||0)+1))}, 5);
for (const t of ['unload','pagehide','beforeunload','pageswap','freeze','resume']) addEventListener(t, ()=>{ localStorage.setItem('ev_'+t,'1'); document.cookie='ev_'+t+'=1; path=/'; });
document.addEventListener('visibilitychange', ()=>{ localStorage.setItem('ev_vis_'+document.visibilityState,'1'); });
document.addEventListener('freeze', ()=>{ localStorage.setItem('ev_dfreeze','1'); });
</script><p>A"""
B = b"""<!doctype html><title>B</title><script>
window.seen = {ls: Object.assign({}, localStorage), cookie: document.cookie};
</script><p>B"""
import asyncio, json, threading, time, sys, subprocess, re, os, tempfile
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
import websockets
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = A if self.path.startswith('/a') else B
        self.send_response(200); self.send_header('content-type','text/html'); self.send_header('content-length',str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self,*a): pass
srv = ThreadingHTTPServer(('127.0.0.1',0),H); port = srv.server_address[1]
threading.Thread(target=srv.serve_forever, daemon=True).start()
origin = f'http://127.0.0.1:{port}'
EXE = sys.argv[1]; MODE = sys.argv[2]
ud = tempfile.mkdtemp()
proc = subprocess.Popen([EXE, '--no-sandbox', '--headless=new', '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1', f'--user-data-dir={ud}', 'about:blank'], stderr=subprocess.PIPE, text=True)
url = None
for line in proc.stderr:
    m = re.search(r'(ws://\S+)', line)
    if m: url = m.group(1); break
class C:
    def __init__(s, ws): s.ws, s.n, s.waits, s.events = ws, 0, {}, []
    async def pump(s):
        async for m in s.ws:
            d = json.loads(m)
            if 'id' in d: s.waits.pop(d['id']).set_result(d)
            else: s.events.append(d)
    async def send(s, method, params=None, sid=None):
        s.n += 1; f = asyncio.get_running_loop().create_future(); s.waits[s.n] = f
        msg = {'id': s.n, 'method': method, 'params': params or {}}
        if sid: msg['sessionId'] = sid
        await s.ws.send(json.dumps(msg)); r = await asyncio.wait_for(f, 10)
        if 'error' in r: raise RuntimeError(f"{method}: {r['error']}")
        return r['result']
async def main():
    async with websockets.connect(url, max_size=None) as ws:
        c = C(ws); asyncio.create_task(c.pump())
        ctx = (await c.send('Target.createBrowserContext'))['browserContextId']
        tid = (await c.send('Target.createTarget', {'url': 'about:blank', 'browserContextId': ctx}))['targetId']
        sid = (await c.send('Target.attachToTarget', {'targetId': tid, 'flatten': True}))['sessionId']
        await c.send('Page.enable', sid=sid)
        ev = lambda e: c.send('Runtime.evaluate', {'expression': e, 'returnByValue': True, 'awaitPromise': True}, sid)
        await c.send('Page.navigate', {'url': origin + '/a'}, sid); await asyncio.sleep(0.3)
        print('tick', (await ev("localStorage.tick"))['result'].get('value'), 'vis', (await ev("document.visibilityState"))['result'].get('value'))
        await (c.send('Page.setWebLifecycleState', {'state': 'frozen'}, sid) if MODE != 'nojs' else c.send('Emulation.setScriptExecutionDisabled', {'value': True}, sid))
        t0 = (await ev("localStorage.tick"))['result'].get('value'); await asyncio.sleep(0.3)
        t1 = (await ev("localStorage.tick"))['result'].get('value')
        print('frozen: tick', t0, '->', t1, (await ev("JSON.stringify(localStorage)+' '+document.visibilityState"))['result'].get('value'))
        await c.send('Storage.clearDataForOrigin', {'origin': origin, 'storageTypes': 'all'}, sid)
        await c.send('Storage.clearCookies', {'browserContextId': ctx})
        print('after clear', (await ev("JSON.stringify(localStorage)+' '+document.cookie"))['result'].get('value'))
        if MODE == 'resume-first': await c.send('Page.setWebLifecycleState', {'state': 'active'}, sid)
        t = time.time(); r = await c.send('Page.navigate', {'url': origin + '/b'}, sid)
        print('navigate', r, round((time.time()-t)*1000,1), 'ms')
        await asyncio.sleep(0.2)
        try:
            if MODE == 'nojs': await c.send('Emulation.setScriptExecutionDisabled', {'value': False}, sid); print('B now', (await ev("JSON.stringify(localStorage)+' '+document.cookie"))['result'].get('value'))
            elif MODE != 'resume-first': await c.send('Page.setWebLifecycleState', {'state': 'active'}, sid)
        except Exception as e: print('resume failed', e)
        for i in range(40):
            v = (await ev("JSON.stringify(window.seen)"))['result'].get('value')
            if v: break
            await asyncio.sleep(0.05)
        print('B saw', v, 'vis', (await ev("document.visibilityState"))['result'].get('value'))
        await c.send('Browser.close')
try: asyncio.run(main())
finally:
    proc.wait(10)
