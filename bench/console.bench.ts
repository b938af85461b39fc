/**
 * The consoles measured side by side in one run:
 *  - VNC: the bridge's proxy (`/api/vms/:id/vnc`, WebSocket, the RFB parser on the client's side) against a
 *    direct connection to the same QEMU's VNC socket: full non-incremental framebuffer updates of a 1024x768
 *    screen (the demo guest's console, raw encoding, 3 MiB each) for throughput and request->update latency, and
 *    16x16 updates for the latency the proxy adds; requests alternate between the two so noise hits both alike.
 *  - Serial fan-out: 50 browsers on one port through the bridge (terminal screen, log, bounded viewers) against a
 *    bare `ws` fan-out process reading an identical socket; lines injected at the chardev (the bench plays QEMU's
 *    socket chardev, so a send time is known) and delivery latency measured to every viewer.
 * The bridge and the baseline fan-out run as processes of their own, as in real use.
 *
 *   node --import tsx bench/console.bench.ts     (alone)      pnpm bench -- console     (with the root runner)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { demoGuest, demoGuestBaseArgs } from '../apps/bridge/src/guest/testing/demo-guest.ts';
import { RfbTestClient } from '../apps/bridge/src/testing/rfb-test-client.ts';
import { WebSocket } from '../apps/bridge/src/testing/ws-lib.ts';
import { bridgeArgv, startListening, until } from './bridge-process.ts';
import { percentile } from './timing.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

const FULL_ROUNDS = 40;
const SMALL_ROUNDS = 200;
const WARMUP = 5;
const VIEWERS = 50;
const LINES = 300;
const WARMUP_LINES = 20;
const LINE_EVERY_MS = 10;
const SCREEN = { width: 1024, height: 768 };

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Plays QEMU's socket chardev: one client, lines written to it with their send time in them. */
class InjectedChardev {
  #client: Socket | null = null;
  private constructor(readonly server: Server) {}

  static async listen(socketPath: string): Promise<InjectedChardev> {
    const chardev = new InjectedChardev(createServer());
    chardev.server.on('connection', (socket) => {
      socket.setNoDelay(true);
      chardev.#client = socket;
    });
    await new Promise<void>((resolve) => chardev.server.listen(socketPath, resolve));
    return chardev;
  }

  get held(): boolean {
    return this.#client !== null;
  }

  writeLine(seq: number): void {
    this.#client?.write(`L${seq} ${Math.round(nowUs())}\r\n`);
  }

  close(): void {
    this.#client?.destroy();
    this.server.close();
  }
}

/** A browser on a serial console: the delivery latency (us) of every line it sees, by line. */
class LineViewer {
  readonly latencies = new Map<number, number>();
  #text = '';
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const at = nowUs();
      this.#text += data.toString('latin1');
      const lines = this.#text.split('\r\n');
      this.#text = lines.pop() ?? '';
      for (const line of lines) {
        const match = /L(\d+) (\d+)$/.exec(line);
        if (match) this.latencies.set(Number(match[1]), at - Number(match[2]));
      }
    });
  }

  static async open(url: string): Promise<LineViewer> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const viewer = new LineViewer(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return viewer;
  }
}

export async function benchConsole(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qmpdeck-console-bench-'));
  const children: ChildProcess[] = [];
  const closers: (() => void)[] = [];
  try {
    const vncSocket = path.join(dir, 'vnc.sock');
    const qmpSocket = path.join(dir, 'qmp.sock');
    // The demo guest draws its console at the VGA's EDID size; without it, the screen of a VGA nobody set up.
    const machine = demoGuest
      ? [...demoGuestBaseArgs(demoGuest), '-device', `VGA,edid=on,xres=${SCREEN.width},yres=${SCREEN.height}`]
      : ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64', '-vga', 'std'];
    if (!demoGuest) console.log('(no demo guest built: the VNC figures are for a 640x480 screen)');
    const qemu = spawn(
      'qemu-system-x86_64',
      [...machine, '-vnc', `unix:${vncSocket}`, '-qmp', `unix:${qmpSocket},server=on,wait=off`],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    children.push(qemu);
    // The demo guest takes its time to boot under TCG: two minutes, looked at every 100 ms.
    await until(() => existsSync(vncSocket) && existsSync(qmpSocket), 'QEMU', 120_000, 100);
    if (demoGuest) {
      await until(
        async () => {
          const probe = await RfbTestClient.overSocket({ path: vncSocket });
          await probe.handshake({ shared: true });
          probe.close();
          return probe.width === SCREEN.width;
        },
        `the guest's ${SCREEN.width}x${SCREEN.height} console`,
        120_000,
        100,
      );
    }

    const bridgeChardev = await InjectedChardev.listen(path.join(dir, 'serial-bridge.sock'));
    const bareChardev = await InjectedChardev.listen(path.join(dir, 'serial-bare.sock'));
    closers.push(
      () => bridgeChardev.close(),
      () => bareChardev.close(),
    );
    const config = path.join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        database: path.join(dir, 'events.db'),
        // Its sockets (QMP endpoints) in the bench's directory, not the user's runtime directory.
        runtimeDir: path.join(dir, 'run-events'),
        vms: [
          {
            id: 'bench',
            qmp: { socket: qmpSocket },
            serial: [{ name: 'serial0', socket: path.join(dir, 'serial-bridge.sock') }],
          },
        ],
      }),
    );
    const bridge = await startListening(await bridgeArgv(config));
    children.push(bridge.child);
    await until(
      async () => {
        const vm = (await (await fetch(`${bridge.url}/api/vms/bench`)).json()) as {
          consoles?: { vnc: boolean };
        };
        return vm.consoles?.vnc === true && bridgeChardev.held;
      },
      'the bridge to find the display and hold the serial port',
      120_000,
      100,
    );
    const bare = await startListening([
      '--import',
      'tsx',
      'src/testing/ws-fanout-server.ts',
      path.join(dir, 'serial-bare.sock'),
    ]);
    children.push(bare.child);

    await benchVnc(report, vncSocket, bridge.url, closers);
    await benchSerialFanOut(
      report,
      bridge.url,
      `ws://127.0.0.1:${bare.url}`,
      bridgeChardev,
      bareChardev,
      closers,
    );
  } finally {
    for (const close of closers) close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchVnc(report: Report, vncSocket: string, bridgeUrl: string, closers: (() => void)[]) {
  const clients = {
    'direct to QEMU': await RfbTestClient.overSocket({ path: vncSocket }),
    'bridge proxy': await RfbTestClient.overWebSocket(bridgeUrl, '/api/vms/bench/vnc'),
  };
  for (const client of Object.values(clients)) {
    closers.push(() => client.close());
    await client.handshake({ shared: true });
  }
  const { width, height } = clients['direct to QEMU'];
  const timed = async (
    client: RfbTestClient,
    area?: { x: number; y: number; width: number; height: number },
  ) => {
    const started = performance.now();
    const update = await client.requestUpdate(false, area);
    return { ms: update.receivedAt - started, bytes: update.bytes };
  };
  const small = { x: 0, y: 0, width: 16, height: 16 };
  const results: Record<string, { full: number[]; bytes: number; small: number[] }> = {};
  for (const name of Object.keys(clients)) results[name] = { full: [], bytes: 0, small: [] };
  for (let i = 0; i < WARMUP; i++) {
    for (const client of Object.values(clients)) await timed(client);
  }
  for (let i = 0; i < FULL_ROUNDS; i++) {
    for (const [name, client] of Object.entries(clients)) {
      const { ms, bytes } = await timed(client);
      const result = results[name] as { full: number[]; bytes: number };
      result.full.push(ms);
      result.bytes += bytes;
    }
  }
  for (let i = 0; i < SMALL_ROUNDS; i++) {
    for (const [name, client] of Object.entries(clients))
      results[name]?.small.push((await timed(client, small)).ms);
  }
  const rows: Record<string, unknown>[] = Object.entries(results).map(([name, r]) => ({
    path: name,
    [`full ${width}x${height} p50 ms`]: round(percentile(r.full, 50)),
    'full p99 ms': round(percentile(r.full, 99)),
    'MB/s': round(r.bytes / 1e6 / (r.full.reduce((a, b) => a + b, 0) / 1000), 1),
    '16x16 p50 ms': round(percentile(r.small, 50), 3),
    '16x16 p99 ms': round(percentile(r.small, 99), 3),
  }));
  const direct = results['direct to QEMU'] as { full: number[]; small: number[]; bytes: number };
  const proxy = results['bridge proxy'] as { full: number[]; small: number[]; bytes: number };
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  rows.push({
    path: 'proxy / direct',
    [`full ${width}x${height} p50 ms`]: round(percentile(proxy.full, 50) / percentile(direct.full, 50)),
    'full p99 ms': round(percentile(proxy.full, 99) / percentile(direct.full, 99)),
    'MB/s': round(proxy.bytes / sum(proxy.full) / (direct.bytes / sum(direct.full))),
    '16x16 p50 ms': round(percentile(proxy.small, 50) / percentile(direct.small, 50)),
    '16x16 p99 ms': round(percentile(proxy.small, 99) / percentile(direct.small, 99)),
  });
  rows.push({
    path: 'proxy adds (ms)',
    [`full ${width}x${height} p50 ms`]: round(percentile(proxy.full, 50) - percentile(direct.full, 50)),
    'full p99 ms': round(percentile(proxy.full, 99) - percentile(direct.full, 99)),
    'MB/s': '',
    '16x16 p50 ms': round(percentile(proxy.small, 50) - percentile(direct.small, 50), 3),
    '16x16 p99 ms': round(percentile(proxy.small, 99) - percentile(direct.small, 99), 3),
  });
  report(
    `VNC: ${FULL_ROUNDS} full and ${SMALL_ROUNDS} 16x16 non-incremental updates each, raw encoding, alternating`,
    rows,
  );
}

async function benchSerialFanOut(
  report: Report,
  bridgeUrl: string,
  bareUrl: string,
  bridgeChardev: InjectedChardev,
  bareChardev: InjectedChardev,
  closers: (() => void)[],
) {
  const paths = {
    'bridge serial console': {
      chardev: bridgeChardev,
      viewers: await openViewers(`${bridgeUrl.replace(/^http/, 'ws')}/api/vms/bench/serial/serial0`),
    },
    'bare ws fan-out': { chardev: bareChardev, viewers: await openViewers(bareUrl) },
  };
  for (const { viewers } of Object.values(paths))
    for (const viewer of viewers) closers.push(() => viewer.ws.terminate());
  const total = WARMUP_LINES + LINES;
  for (let seq = 0; seq < total; seq++) {
    // Alternate which goes first, so neither always has the quieter moment.
    const order = seq % 2 === 0 ? Object.values(paths) : Object.values(paths).reverse();
    for (const { chardev } of order) chardev.writeLine(seq);
    await sleep(LINE_EVERY_MS);
  }
  const rows: Record<string, unknown>[] = [];
  for (const [name, { viewers }] of Object.entries(paths)) {
    await until(
      () => viewers.every((viewer) => viewer.latencies.has(total - 1)),
      `the last line at every ${name} viewer`,
      30_000,
    );
    const samples: number[] = [];
    for (const viewer of viewers) {
      for (const [seq, us] of viewer.latencies) if (seq >= WARMUP_LINES) samples.push(us / 1000);
    }
    rows.push({
      path: name,
      viewers: viewers.length,
      delivered: `${samples.length}/${LINES * viewers.length}`,
      'p50 ms': round(percentile(samples, 50), 3),
      'p99 ms': round(percentile(samples, 99), 3),
      'max ms': round(Math.max(...samples), 3),
    });
  }
  report(
    `serial fan-out: ${LINES} lines injected at the chardev every ${LINE_EVERY_MS} ms, to ${VIEWERS} viewers`,
    rows,
  );
}

async function openViewers(url: string): Promise<LineViewer[]> {
  const viewers: LineViewer[] = [];
  for (let i = 0; i < VIEWERS; i++) viewers.push(await LineViewer.open(url));
  return viewers;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchConsole((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  });
}
