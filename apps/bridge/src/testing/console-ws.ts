/**
 * The consoles' WebSockets for tests: a serial console client that keeps what it received as text, and the answer
 * to an upgrade the bridge refuses (its status and JSON body, as a browser's failed handshake carries them).
 */
import WebSocket from 'ws';
import { waitFor } from './wait-for.ts';

const wsUrl = (url: string, path: string) => url.replace(/^http/, 'ws') + path;

export class SerialTestClient {
  readonly chunks: Buffer[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.chunks.push(data));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  /** `headers`: the credential (`Authorization: Bearer ...`) on a bridge with users. */
  static async open(
    url: string,
    vm: string,
    port: string,
    headers: Record<string, string> = {},
  ): Promise<SerialTestClient> {
    const ws = new WebSocket(wsUrl(url, `/api/vms/${vm}/serial/${port}`), { headers });
    const client = new SerialTestClient(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return client;
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** Waits until the received text matches, and returns it. */
  async waitForText(match: string | RegExp, timeoutMs = 30_000): Promise<string> {
    return waitFor(
      () => {
        const text = this.text;
        return (typeof match === 'string' ? text.includes(match) : match.test(text)) ? text : undefined;
      },
      `serial output ${String(match)}`,
      timeoutMs,
    );
  }

  /** Types a line as the terminal would send it (a carriage return ends it). */
  typeLine(line: string): void {
    this.ws.send(Buffer.from(`${line}\r`));
  }

  close(): void {
    this.ws.close();
  }
}

/** Types `line` into a serial console through the bridge and waits until `until` comes back. */
export async function typeOnBridgeSerial(
  url: string,
  vm: string,
  port: string,
  line: string,
  until = line,
  headers: Record<string, string> = {},
): Promise<string> {
  const client = await SerialTestClient.open(url, vm, port, headers);
  try {
    // A bare return first wakes a shell whose prompt was printed before anyone listened.
    client.typeLine('');
    client.typeLine(line);
    return await client.waitForText(until);
  } finally {
    client.close();
  }
}

/** Tries a WebSocket upgrade that should be refused; resolves with the HTTP answer. */
export function refusedUpgrade(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(url, path), { headers });
    ws.on('open', () => {
      ws.close();
      reject(new Error(`the upgrade to ${path} was accepted`));
    });
    ws.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          body: text === '' ? null : (JSON.parse(text) as unknown),
        });
      });
    });
    ws.on('error', () => {});
  });
}
