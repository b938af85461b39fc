/**
 * A raw QMP client for tests: a socket, the lines it receives (exactly as sent, CRLF cut off) and small waits on
 * them. Nothing is parsed for the test, so a test sees byte for byte what a client of the proxy (or of QEMU) sees.
 */
import { once } from 'node:events';
import net from 'node:net';
import { waitFor } from '../../testing/wait-for.ts';

export type LineAddress = { path: string } | { host: string; port: number };

export class LineClient {
  readonly lines: string[] = [];
  #partial = '';
  #ended = false;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      const parts = (this.#partial + text).split('\r\n');
      this.#partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    socket.on('close', () => {
      this.#ended = true;
    });
    socket.on('error', () => {
      // A test that cares looks at `ended`; a reset from the other side is one way to end.
    });
  }

  static async connect(address: LineAddress): Promise<LineClient> {
    const socket = net.connect(address);
    await once(socket, 'connect');
    return new LineClient(socket);
  }

  /** Connects and waits for the greeting; with `negotiate`, also runs qmp_capabilities. */
  static async negotiated(address: LineAddress, enable: string[] = []): Promise<LineClient> {
    const client = await LineClient.connect(address);
    await client.waitForLine((line) => line.startsWith('{"QMP"'), 'the greeting');
    const args = enable.length > 0 ? `,"arguments":{"enable":${JSON.stringify(enable)}}` : '';
    await client.request(`{"execute":"qmp_capabilities"${args},"id":"negotiate"}`, '"negotiate"');
    return client;
  }

  get ended(): boolean {
    return this.#ended;
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Sends one message and resolves with the reply line carrying this id (its JSON text, e.g. `"r1"` or `7`). */
  async request(message: string, idText: string, timeoutMs = 10_000): Promise<string> {
    const from = this.lines.length;
    this.send(`${message}\n`);
    return this.waitForLine(
      (line) => line.endsWith(`"id": ${idText}}`) || line.startsWith(`{"id": ${idText},`),
      `the reply to ${idText}`,
      timeoutMs,
      from,
    );
  }

  /** The first line (from index `from`) that matches, once it has arrived. */
  waitForLine(match: (line: string) => boolean, what: string, timeoutMs = 10_000, from = 0): Promise<string> {
    return waitFor(() => this.lines.slice(from).find(match), what, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.#ended) return;
    const closed = once(this.socket, 'close');
    this.socket.destroy();
    await closed;
  }
}
