"""A headless Chromium driven over the DevTools protocol (only `websockets`, no Selenium): load pages, collect console errors and
network requests, evaluate JavaScript, take screenshots. Used by tests/test_docs.py to check the offline site as a reader sees it."""
import asyncio, base64, json, re, shutil, subprocess, tempfile, urllib.request
from pathlib import Path

def find_chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome', 'chrome'):
        if shutil.which(name): return shutil.which(name)
    return None

class Browser:
    "`with Browser() as b: report = b.check(url)`: one headless Chromium, one tab, reused for every page."
    def __init__(self, exe=None, timeout=30.):
        self.exe, self.timeout = exe or find_chromium(), timeout
        if self.exe is None: raise FileNotFoundError('no Chromium on PATH')
    def __enter__(self):
        self.profile = tempfile.mkdtemp()
        self.proc = subprocess.Popen([self.exe, '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
                                      '--remote-debugging-port=0', f'--user-data-dir={self.profile}', '--window-size=1280,900', 'about:blank'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in self.proc.stderr:
            m = re.search(r'DevTools listening on (ws://\S+)', line)
            if m: break
        else: raise RuntimeError('Chromium did not start its DevTools server')
        port = re.search(r':(\d+)/', m.group(1)).group(1)
        targets = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=10))
        self.ws_url = next(t['webSocketDebuggerUrl'] for t in targets if t['type'] == 'page')
        self.loop = asyncio.new_event_loop()
        return self
    def __exit__(self, *exc):
        self.proc.kill(); self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)
        self.loop.close()

    def check(self, url:str, screenshot:Path|None=None, js:str|None=None, width:int|None=None)->dict:
        "Load `url` (in a viewport `width` px wide if given); return {'errors', 'requests', 'result' (of `js`)} and save a PNG screenshot if asked."
        return self.loop.run_until_complete(asyncio.wait_for(self._check(url, screenshot, js, width), self.timeout))

    async def _check(self, url, screenshot, js, width=None):
        import websockets
        async with websockets.connect(self.ws_url, max_size=2**28) as ws:
            n, events, errors, requests = 0, [], [], []
            async def call(method, **params):
                nonlocal n
                n += 1; my = n
                await ws.send(json.dumps(dict(id=my, method=method, params=params)))
                while True:
                    msg = json.loads(await ws.recv())
                    if msg.get('id') == my:
                        if 'error' in msg: raise RuntimeError(f"{method}: {msg['error']}")
                        return msg.get('result', {})
                    events.append(msg)
            for d in ('Page', 'Runtime', 'Log', 'Network'): await call(f'{d}.enable')
            if width: await call('Emulation.setDeviceMetricsOverride', width=width, height=900, deviceScaleFactor=1, mobile=width < 600)
            else: await call('Emulation.clearDeviceMetricsOverride')
            await call('Page.navigate', url=url)
            while not any(e.get('method') == 'Page.loadEventFired' for e in events): events.append(json.loads(await ws.recv()))
            await call('Runtime.evaluate', expression='new Promise(r => setTimeout(r, 300))', awaitPromise=True)  # late console messages
            result = (await call('Runtime.evaluate', expression=js, returnByValue=True, awaitPromise=True))['result'].get('value') if js else None
            if screenshot is not None:
                shot = await call('Page.captureScreenshot', format='png')
                Path(screenshot).write_bytes(base64.b64decode(shot['data']))
            for e in events:
                m, p = e.get('method'), e.get('params', {})
                if m == 'Runtime.exceptionThrown': errors.append(p['exceptionDetails'].get('exception', {}).get('description') or p['exceptionDetails'].get('text'))
                elif m == 'Runtime.consoleAPICalled' and p.get('type') == 'error': errors.append(' '.join(str(a.get('value', a.get('description'))) for a in p.get('args', [])))
                elif m == 'Log.entryAdded' and p['entry'].get('level') == 'error': errors.append(p['entry'].get('text'))
                elif m == 'Network.requestWillBeSent': requests.append(p['request']['url'])
            await call('Page.navigate', url='about:blank')
            return dict(errors=errors, requests=requests, result=result)
