/** A WebSocket client for tests: keeps every message and waits for the one a test expects. */
import { type ServerMessage, ServerMessage as ServerMessageSchema } from '@qmpdeck/protocol';
import WebSocket, { type ClientOptions } from 'ws';
import { waitFor } from './wait-for.ts';

export class TestWsClient {
  readonly messages: ServerMessage[] = [];
  /** Messages that did not pass the protocol's ServerMessage validator (must stay empty). */
  readonly invalid: unknown[] = [];
  /** Every frame as received, for tests that grep what a client was sent. */
  readonly frames: string[] = [];
  /** Indexes of messages a `next` already returned. */
  readonly #taken = new Set<number>();
  closed = false;
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(String(data));
      const raw = JSON.parse(String(data)) as unknown;
      const parsed = ServerMessageSchema.safeParse(raw);
      if (parsed.success) this.messages.push(raw as ServerMessage);
      else this.invalid.push(raw);
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
  }

  static async connect(
    url: string,
    headers: Record<string, string> = {},
    options: ClientOptions = {},
  ): Promise<TestWsClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/ws`, { ...options, headers });
    const client = new TestWsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.next((m) => m.type === 'hello');
    return client;
  }

  /**
   * An upgrade the bridge is expected to refuse: resolves with the HTTP answer it gave instead (status, headers,
   * body), or rejects when the upgrade succeeded.
   */
  static refusal(
    url: string,
    headers: Record<string, string> = {},
    options: ClientOptions = {},
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/ws`, { ...options, headers });
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      });
      ws.once('open', () => {
        ws.close();
        reject(new Error('the upgrade was accepted'));
      });
      ws.once('error', (err) => {
        if (!/Unexpected server response/.test(err.message)) reject(err);
      });
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The oldest matching message no earlier `next` returned, waiting until one arrives. */
  async next<T extends ServerMessage>(match: (m: ServerMessage) => boolean, what = 'a message'): Promise<T> {
    return waitFor(() => {
      for (let i = 0; i < this.messages.length; i++) {
        const message = this.messages[i] as ServerMessage;
        if (!this.#taken.has(i) && match(message)) {
          this.#taken.add(i);
          return message as T;
        }
      }
      return undefined;
    }, what);
  }

  /** Any message so far (from the start) that matches, waiting if none yet. */
  async seen<T extends ServerMessage>(match: (m: ServerMessage) => boolean, what = 'a message'): Promise<T> {
    return waitFor(() => this.messages.find(match) as T | undefined, what);
  }

  async request(message: { id: string | number } & Record<string, unknown>): Promise<ServerMessage> {
    this.send(message);
    return this.next((m) => (m.type === 'result' || m.type === 'error') && 'id' in m && m.id === message.id);
  }

  close(): void {
    this.ws.close();
  }
}
