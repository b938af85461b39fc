/**
 * The serial fan-out without QEMU: a unix socket server stands in for QEMU's socket chardev (one client, bytes both
 * ways, closing when "QEMU restarts"), and real WebSockets for the browsers. What QEMU itself does with the port is
 * covered against the demo guest in consoles.qemu.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { silentLogger } from '../log.ts';
import { waitFor } from '../testing/wait-for.ts';
import { RotatingLog } from './rotating-log.ts';
import { SerialPort } from './serial-port.ts';
import type { SerialViewer } from './serial-viewer.ts';
import { TerminalScreen } from './terminal-screen.ts';

/** QEMU's end of the port: remembers what it was sent, writes what the test says, can drop its client. */
class FakeChardev {
  readonly received: Buffer[] = [];
  clients = 0;
  #client: Socket | null = null;
  private constructor(readonly server: Server) {}

  static async listen(path: string): Promise<FakeChardev> {
    const chardev = new FakeChardev(createServer());
    chardev.server.on('connection', (socket) => {
      chardev.clients++;
      chardev.#client = socket;
      socket.on('data', (chunk: Buffer) => chardev.received.push(chunk));
    });
    await new Promise<void>((resolve) => chardev.server.listen(path, resolve));
    return chardev;
  }

  get connected(): boolean {
    return this.#client !== null && !this.#client.destroyed;
  }

  write(text: string | Buffer): void {
    this.#client?.write(text);
  }

  /** As when QEMU goes away: the client's connection ends. */
  dropClient(): void {
    this.#client?.destroy();
    this.#client = null;
  }

  get text(): string {
    return Buffer.concat(this.received).toString();
  }

  close(): Promise<void> {
    this.#client?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A browser: everything it received, in order. */
class Browser {
  readonly chunks: Buffer[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.chunks.push(data));
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = String(reason);
    });
  }

  static async open(url: string): Promise<Browser> {
    const ws = new WebSocket(url);
    const browser = new Browser(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return browser;
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

describe('SerialPort', () => {
  let dir: string;
  let chardev: FakeChardev;
  let port: SerialPort;
  let wss: WebSocketServer;
  let url: string;
  /** Whether the next browser may type, and the viewers made so far. */
  let nextInput = true;
  const viewers: SerialViewer[] = [];
  const browsers: Browser[] = [];

  const openBrowser = async (input: boolean): Promise<Browser> => {
    nextInput = input;
    const browser = await Browser.open(url);
    browsers.push(browser);
    await waitFor(() => viewers.length === browsers.length, 'the viewer to attach');
    return browser;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serial-port-'));
    chardev = await FakeChardev.listen(join(dir, 'serial.sock'));
    port = new SerialPort({
      vmId: 'vm',
      name: 'serial0',
      socketPath: join(dir, 'serial.sock'),
      log: silentLogger(),
      logFile: new RotatingLog(join(dir, 'logs', 'serial0.log'), {
        onError: (err) => expect(err).toBeNull(),
      }),
      minRetryMs: 20,
      maxRetryMs: 100,
      maxViewerBufferedBytes: 256 * 1024,
    });
    port.start();
    viewers.length = 0;
    browsers.length = 0;
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws) =>
      viewers.push(port.attach(ws, { id: `v${viewers.length}`, input: nextInput })),
    );
    await new Promise((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
    await waitFor(() => port.connected && chardev.connected, 'the port to be held');
  });

  afterEach(async () => {
    for (const browser of browsers) browser.ws.terminate();
    await port.stop('test over');
    await new Promise((resolve) => wss.close(resolve));
    await chardev.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the one connection and shows a newcomer the screen first, then live bytes', async () => {
    chardev.write('QMP Deck demo guest\r\nqmpdeck-demo:~# ');
    await waitFor(async () => (await port.readLog()).length > 0, 'the output to reach the log');
    const first = await openBrowser(true);
    await waitFor(() => first.text.includes('qmpdeck-demo:~#'), 'the replayed screen');
    chardev.write('uname\r\nLinux\r\n');
    await waitFor(() => first.text.includes('Linux'), 'live bytes');
    const second = await openBrowser(false);
    await waitFor(() => second.text.includes('Linux'), "the second viewer's replay");
    expect(second.text).toContain('QMP Deck demo guest');
    expect(chardev.clients).toBe(1);
  });

  it("loses nothing and doubles nothing between a newcomer's replay and the live bytes", async () => {
    const late = new Promise<Browser>((resolve) => {
      // The viewer joins while the guest is writing: some lines land before its snapshot, some after.
      setTimeout(() => void openBrowser(false).then(resolve), 15);
    });
    for (let i = 0; i < 400; i++) {
      chardev.write(`line ${i} ${'.'.repeat(i % 50)}\r\n`);
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const browser = await late;
    await waitFor(() => browser.text.includes('line 399'), 'the last line');
    const drawn = new TerminalScreen();
    drawn.write(Buffer.concat(browser.chunks));
    const probe = await Browser.open(url);
    browsers.push(probe);
    await waitFor(() => probe.text.includes('line 399'), "a fresh viewer's screen");
    // What the late viewer drew from replay + live equals the port's own screen now (as a fresh replay shows it).
    const fresh = new TerminalScreen();
    fresh.write(Buffer.concat(probe.chunks));
    expect(await drawn.snapshot()).toBe(await fresh.snapshot());
    expect((await drawn.snapshot()).match(/line 399 /g)).toHaveLength(1);
  });

  it("sends only what viewers allowed to type type; a viewer's bytes are dropped", async () => {
    const operator = await openBrowser(true);
    const viewer = await openBrowser(false);
    viewer.ws.send(Buffer.from('rm -rf /\n'));
    operator.ws.send('echo hi\n');
    await waitFor(() => chardev.text.includes('echo hi\n'), "the operator's bytes at QEMU");
    viewer.ws.send(Buffer.from('reboot\n'));
    operator.ws.send(Buffer.from('date\n'));
    await waitFor(() => chardev.text.includes('date\n'), 'the second line');
    expect(chardev.text).toBe('echo hi\ndate\n');
    expect(viewers[1]?.droppedInput).toBe(2);
  });

  it('reconnects by itself when QEMU drops the connection, keeping the screen and its viewers', async () => {
    const browser = await openBrowser(true);
    chardev.write('before restart\r\n');
    await waitFor(() => browser.text.includes('before restart'), 'the first output');
    chardev.dropClient();
    await waitFor(() => chardev.clients === 2 && chardev.connected && port.connected, 'the port held again');
    chardev.write('after restart\r\n');
    await waitFor(() => browser.text.includes('after restart'), 'output after the reconnect');
    browser.ws.send('still typing\n');
    await waitFor(() => chardev.text.includes('still typing'), 'input after the reconnect');
    const late = await openBrowser(false);
    await waitFor(() => late.text.includes('after restart'), 'the replay after the reconnect');
    expect(late.text).toContain('before restart');
  });

  it('closes a viewer that falls too far behind; the others keep everything', async () => {
    const slow = await openBrowser(false);
    const healthy = await openBrowser(false);
    // The slow browser stops reading: its socket fills, then the bridge's buffer for it.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    // The kernel's socket buffers take megabytes first: write until the bridge gives up on the slow one.
    const line = `${'x'.repeat(1000)}\r\n`;
    let lines = 0;
    while (!viewers[0]?.closed && lines < 64_000) {
      for (let i = 0; i < 100; i++) chardev.write(line);
      lines += 100;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(viewers[0]?.closed).toBe(true);
    // Reading again now, it finds the close frame behind what was already sent, within the bridge's grace.
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    chardev.write('END\r\n');
    await waitFor(() => healthy.text.includes('END'), 'everything at the healthy viewer', 20_000);
    expect(healthy.text.split('x'.repeat(1000)).length - 1).toBe(lines);
    await waitFor(() => slow.closeCode !== null, 'the slow browser to see the close');
    expect(slow.closeCode).toBe(1008);
    expect(slow.closeReason).toMatch(/^SlowConsumer/);
    expect(port.viewerCount).toBe(1);
  });

  it('keeps the output in its log across the restart', async () => {
    chardev.write('one\r\n');
    chardev.dropClient();
    await waitFor(() => chardev.clients === 2 && port.connected, 'reconnected');
    chardev.write('two\r\n');
    await waitFor(
      async () => (await port.readLog()).toString() === 'one\r\ntwo\r\n',
      'both lines in the log',
    );
  });
});
