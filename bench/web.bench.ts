/**
 * The dashboard's figures: the production bundle's gzip size (the initial
 * JavaScript a first visit downloads, and the VM page's chunk), and the
 * timeline with 100,000 events in Debian's Chromium: time from the first event
 * message to the rendered list, then frames while scrolling through it
 * (frame times from requestAnimationFrame, work from Chromium's own
 * Performance domain over CDP).
 *
 * The badge figure uses the real bridge and a real QEMU: from the QEMU
 * timestamp of a RESUME/STOP event to the badge showing the new state.
 *
 * The replay figure: the timeline subscribes with `batch: true`, so the
 * replay comes as `events` messages of up to 500 events (as the bridge sends
 * them); the baseline in the same run is a bare page that receives the same
 * 100,000 events one per WebSocket frame (a subscriber without `batch`) and
 * only parses them. The app must be at least as fast (ratio <= 1). The reopen
 * figure is the list itself.
 *
 * The 100,000 events come from a stand-in bridge in this file (HTTP + the
 * same WebSocket messages, validated by the app as usual): this measures the
 * web app's cache and rendering, not QEMU or the bridge (bench/bridge.bench.ts
 * does those).
 *
 *   node --import tsx bench/web.bench.ts     (alone)      pnpm bench -- web     (with the root runner)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from '@playwright/test';
import { startBridge } from '../e2e/fixtures/bridge.ts';
import { makeTempDir } from '../e2e/fixtures/temp-dir.ts';
import { managedVm } from '../e2e/fixtures/test.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

/** What the instrumentation scripts below keep on a page's window. */
interface Instrumented {
  __badge: { text: string | null; at: number }[];
  __bench: { firstEventAt: number | null; renderedAt: number | null };
  __raw: { firstAt: number | null; doneAt: number | null; count: number };
}
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dist = join(root, 'apps/web/dist');
const EVENT_COUNT = 100_000;
const SCROLL_MS = 3_000;

// `ws` is the bridge's dependency; borrowing it keeps this bench on the same library the bridge serves with.
interface BenchSocket {
  send(data: string): void;
  on(event: 'message', listener: (data: unknown) => void): void;
}
interface BenchSocketServer {
  on(event: 'connection', listener: (socket: BenchSocket) => void): void;
}
const { WebSocketServer } = createRequire(join(root, 'apps/bridge/package.json'))('ws') as {
  WebSocketServer: new (options: { server: Server; path: string }) => BenchSocketServer;
};

function build(): void {
  const result = spawnSync('pnpm', ['--filter', '@qmpdeck/web', 'build'], { cwd: root, stdio: 'ignore' });
  if (result.status !== 0) throw new Error('pnpm --filter @qmpdeck/web build failed');
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
const gzipSize = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

/** The Console tab's chunks, each loaded only when asked for: the tab itself, then noVNC or xterm.js. */
function consoleRows(chunks: string[], gzipKB: (files: string[]) => number): Record<string, unknown>[] {
  const named = (prefix: string) => chunks.filter((name) => name.startsWith(prefix) && name.endsWith('.js'));
  return [
    { what: 'Console tab chunk (opening the tab adds it)', prefix: 'console-chunk-' },
    { what: 'noVNC chunk (the screen adds it)', prefix: 'rfb-' },
    { what: 'xterm.js chunk (a serial port adds it)', prefix: 'xterm-modules-' },
  ].map(({ what, prefix }) => ({ what, files: named(prefix).length, gzipKB: gzipKB(named(prefix)) }));
}

/** The JS a first visit to `/` loads: index.html's module script and what it preloads. */
function bundleRows(): Record<string, unknown>[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = [
    ...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/([^"]+\.js)"/g),
  ].map((match) => match[1] as string);
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="\/([^"]+\.css)"/g)].map(
    (m) => m[1] as string,
  );
  const chunks = spawnSync('ls', [join(dist, 'assets')], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  const vmPage = chunks.filter((name) => name.startsWith('VmPage-') && name.endsWith('.js'));
  const allJs = chunks.filter((name) => name.endsWith('.js'));
  const sum = (files: string[], prefix = '') =>
    files.reduce((total, file) => total + gzipSize(prefix + file), 0);
  return [
    {
      what: 'initial JS (first visit to /)',
      files: initial.length,
      gzipKB: kb(sum(initial)),
      budgetKB: 200,
      aimKB: 120,
    },
    { what: 'VM page chunk (a deep link adds it)', files: vmPage.length, gzipKB: kb(sum(vmPage, 'assets/')) },
    ...consoleRows(chunks, (files) => kb(sum(files, 'assets/'))),
    { what: 'initial CSS', files: css.length, gzipKB: kb(sum(css)) },
    { what: 'all JS (every tab loaded)', files: allJs.length, gzipKB: kb(sum(allJs, 'assets/')) },
  ];
}

const vm = {
  id: 'bench',
  name: 'Bench VM',
  connection: 'connected',
  status: 'running',
  qemu: { major: 7, minor: 2, micro: 0, package: '' },
};
const NAMES = ['STOP', 'RESUME', 'DEVICE_TRAY_MOVED', 'RESET', 'VNC_CONNECTED'];

/** The bridge's page size for a batched replay (docs/api.md). */
const BATCH = 500;

function eventRecord(seq: number) {
  const event = NAMES[seq % NAMES.length] as string;
  const data = event === 'DEVICE_TRAY_MOVED' ? { device: 'cd0', 'tray-open': seq % 2 === 0 } : undefined;
  return {
    vm: 'bench',
    seq,
    event,
    ...(data ? { data } : {}),
    timestamp: { seconds: 1_700_000_000 + Math.floor(seq / 10), microseconds: (seq % 10) * 100_000 },
    cause: null,
  };
}

const eventMessage = (seq: number) => JSON.stringify({ type: 'event', ...eventRecord(seq) });

/** Events first..last as one `events` message, as the bridge replays to a `batch` subscriber. */
function eventsMessage(first: number, last: number): string {
  const events = Array.from({ length: last - first + 1 }, (_, index) => eventRecord(first + index));
  return JSON.stringify({ type: 'events', vm: 'bench', events });
}

/** The replay the bridge sends: `events` pages to a subscriber that asked for batches, else one `event` each. */
function replay(socket: BenchSocket, batch: boolean): void {
  if (batch) {
    for (let first = 1; first <= EVENT_COUNT; first += BATCH) {
      socket.send(eventsMessage(first, Math.min(EVENT_COUNT, first + BATCH - 1)));
    }
  } else {
    for (let seq = 1; seq <= EVENT_COUNT; seq++) socket.send(eventMessage(seq));
  }
  socket.send(JSON.stringify({ type: 'subscribed', vm: 'bench', lastSeq: EVENT_COUNT }));
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves the built app and a bridge with one VM whose subscription replays EVENT_COUNT events. */
async function startStandInBridge(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // A bridge without users, as the app asks first (GET /api/session).
    if (path === '/api/session') {
      return json({ auth: false, user: null, policy: { allow: ['*'], deny: [] }, vms: null, via: 'none' });
    }
    if (path === '/api/vms') return json([vm]);
    if (path === '/api/vms/bench') return json(vm);
    if (path === '/api/vms/bench/events') return json({ events: [], lastSeq: 0 });
    if (path === '/api/vms/bench/inflight') return json([]);
    if (path === '/raw') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(RAW_PAGE);
    }
    const asset = path.startsWith('/assets/') || path === '/theme.js';
    const file = asset ? normalize(path).replace(/^\/+/, '') : 'index.html';
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(join(dist, file)));
  });
  const wss = new WebSocketServer({ server, path: '/api/ws' });
  wss.on('connection', (socket) => {
    socket.send(JSON.stringify({ type: 'hello', version: 'bench', protocol: 1 }));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; vm?: string; batch?: boolean };
      if (message.type !== 'subscribe' || message.vm !== 'bench') return;
      replay(socket, message.batch === true);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The baseline: a bare page that receives the same events one per frame (no `batch`) and parses them, no app. */
const RAW_PAGE = `<!doctype html><script>
  window.__raw = { firstAt: null, doneAt: null, count: 0 };
  const socket = new WebSocket('ws://' + location.host + '/api/ws');
  socket.onopen = () => socket.send(JSON.stringify({ type: 'subscribe', vm: 'bench', after: 0 }));
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type !== 'event') return;
    if (window.__raw.firstAt === null) window.__raw.firstAt = performance.now();
    if (++window.__raw.count === ${EVENT_COUNT}) window.__raw.doneAt = performance.now();
  };
</script>`;

/** Runs in the page before the app: notes when the first event message arrives and when the list shows them all. */
const INSTRUMENT = `
  window.__bench = { firstEventAt: null, renderedAt: null };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (window.__bench.firstEventAt === null && String(event.data).startsWith('{"type":"event"')) {
          window.__bench.firstEventAt = performance.now();
        }
      });
    }
  };
  const watch = () => {
    const timeline = document.querySelector('[data-testid="timeline"]');
    if (timeline && timeline.textContent.includes('${EVENT_COUNT} events')) {
      window.__bench.renderedAt = performance.now();
      return;
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
`;

/** Leaves the timeline for another tab and comes back: the time to draw 100,000 cached events anew. */
const REOPEN = `(async () => {
  const tab = (name) => [...document.querySelectorAll('nav[aria-label="VM sections"] a')].find((a) => a.textContent === name);
  const until = (test) => new Promise((resolve) => { const check = () => (test() ? resolve() : requestAnimationFrame(check)); check(); });
  tab('Info').click();
  await until(() => !document.querySelector('[data-testid="timeline"]'));
  const started = performance.now();
  tab('Timeline').click();
  await until(() => document.querySelector('[data-testid="timeline-event"]'));
  await new Promise(requestAnimationFrame);
  return performance.now() - started;
})()`;

/** Scrolls the timeline upwards for SCROLL_MS, one step per frame, and returns each frame's duration. */
const SCROLL = `(async () => {
  const element = document.querySelector('[data-testid="timeline-scroll"]');
  const frames = [];
  let last = await new Promise(requestAnimationFrame);
  const end = last + ${SCROLL_MS};
  while (last < end) {
    element.scrollTop = Math.max(0, element.scrollTop - 400);
    const now = await new Promise(requestAnimationFrame);
    frames.push(now - last);
    last = now;
  }
  return { frames, rows: document.querySelectorAll('[data-testid="timeline-event"]').length, nodes: document.getElementsByTagName('*').length };
})()`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (value: number) => Math.round(value * 10) / 10;

const launchChromium = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });

const TOGGLES = 40;

/** Notes the wall-clock time of every change of the VM page's badge. */
const WATCH_BADGE = `
  window.__badge = [];
  new MutationObserver(() => {
    const badge = document.querySelector('[data-testid="vm-status"]');
    if (badge && badge.textContent !== window.__badge.at(-1)?.text) window.__badge.push({ text: badge.textContent, at: Date.now() });
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

async function badgeRows(browser: Browser): Promise<Record<string, unknown>[]> {
  const dir = makeTempDir('qmpdeck-bench-web-');
  const bridge = await startBridge(dir.path, { vms: [managedVm('alpha', 'Alpha')] });
  try {
    const page = await browser.newPage();
    await page.addInitScript(WATCH_BADGE);
    await page.goto(`${bridge.url}/vms/alpha`);
    await page.getByTestId('vm-status').filter({ hasText: 'prelaunch' }).waitFor();
    const post = (command: string) =>
      fetch(`${bridge.url}/api/vms/alpha/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ execute: command }),
      });
    const latencies: number[] = [];
    for (let i = 0; i < TOGGLES; i++) {
      const [command, state, event] =
        i % 2 === 0 ? ['cont', 'running', 'RESUME'] : ['stop', 'paused', 'STOP'];
      const seen = ((await page.evaluate('window.__badge.length')) as number) + 1;
      await post(command);
      // A function, not a string: the bridge's Content-Security-Policy forbids eval in its pages.
      await page.waitForFunction(
        ({ seen, state }) => {
          const { __badge } = globalThis as unknown as Instrumented;
          return __badge.length >= seen && __badge.at(-1)?.text === state;
        },
        { seen, state },
      );
      const badge = (await page.evaluate('window.__badge.at(-1)')) as { at: number };
      const history = (await (
        await fetch(`${bridge.url}/api/vms/alpha/events?after=0&limit=1000`)
      ).json()) as {
        events: { event: string; timestamp: { seconds: number; microseconds: number } }[];
      };
      const stamp = history.events.filter((e) => e.event === event).at(-1)?.timestamp;
      if (stamp) latencies.push(badge.at - (stamp.seconds * 1000 + stamp.microseconds / 1000));
    }
    return [
      {
        'state changes': latencies.length,
        'QEMU event -> badge p50 (ms)': round(percentile(latencies, 50)),
        'p95 (ms)': round(percentile(latencies, 95)),
        'max (ms)': round(Math.max(...latencies)),
        goal: '< 100 ms',
      },
    ];
  } finally {
    await bridge.stop();
    dir.remove();
  }
}

async function timelineRows(url: string): Promise<Record<string, unknown>[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(INSTRUMENT);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${url}/vms/bench`);
    await page.waitForFunction(
      () => (globalThis as unknown as Instrumented).__bench.renderedAt !== null,
      undefined,
      { timeout: 120_000 },
    );
    const times = (await page.evaluate('window.__bench')) as { firstEventAt: number; renderedAt: number };
    const metrics = async () =>
      Object.fromEntries(
        (
          (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
        ).metrics.map((m) => [m.name, m.value]),
      );
    const reopenMs = (await page.evaluate(REOPEN)) as number;
    const raw = await browser.newPage();
    await raw.goto(`${url}/raw`);
    await raw.waitForFunction(
      () => (globalThis as unknown as Instrumented).__raw.doneAt !== null,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const rawTimes = (await raw.evaluate('window.__raw')) as { firstAt: number; doneAt: number };
    await raw.close();
    const before = await metrics();
    const scroll = (await page.evaluate(SCROLL)) as { frames: number[]; rows: number; nodes: number };
    const after = await metrics();
    const frames = scroll.frames;
    const total = frames.reduce((sum, frame) => sum + frame, 0);
    const appMs = times.renderedAt - times.firstEventAt;
    const bareMs = rawTimes.doneAt - rawTimes.firstAt;
    return [
      {
        events: EVENT_COUNT,
        'replay, batched, to the timeline -> all rendered (ms)': Math.round(appMs),
        'baseline: bare page, one event per frame (ms)': Math.round(bareMs),
        'ratio app / baseline (goal <= 1)': Math.round((appMs / bareMs) * 100) / 100,
        'reopen timeline, 100k cached (ms)': Math.round(reopenMs),
        'scroll frames': frames.length,
        'scroll fps': round((frames.length / total) * 1000),
        'frame p50 (ms)': round(percentile(frames, 50)),
        'frame p95 (ms)': round(percentile(frames, 95)),
        'frame max (ms)': round(Math.max(...frames)),
        'frames > 50 ms': frames.filter((frame) => frame > 50).length,
        'rows in DOM': scroll.rows,
        'DOM nodes': scroll.nodes,
        'layouts during scroll': (after.LayoutCount ?? 0) - (before.LayoutCount ?? 0),
        'script ms during scroll': Math.round(
          ((after.ScriptDuration ?? 0) - (before.ScriptDuration ?? 0)) * 1000,
        ),
        'JS heap (MB)': round((after.JSHeapUsedSize ?? 0) / 1024 / 1024),
      },
    ];
  } finally {
    await browser.close();
  }
}

export async function benchWeb(report: Report): Promise<void> {
  build();
  report('web: production bundle (gzip -9)', bundleRows());
  const browser = await launchChromium();
  try {
    report('web: QEMU state change to the badge (real bridge and QEMU)', await badgeRows(browser));
  } finally {
    await browser.close();
  }
  const { url, server } = await startStandInBridge();
  try {
    report('web: timeline with 100,000 events (Chromium, 1280x900)', await timelineRows(url));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchWeb((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  });
}
