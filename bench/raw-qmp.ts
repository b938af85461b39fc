/**
 * The baseline every bench compares against: one unix socket, newline-split JSON, a Map of ids. Nothing else.
 * It sends ids like a real client must (QEMU answers a command with an id a little later than one without).
 */
import net from 'node:net';

export class RawQmp {
  readonly #socket: net.Socket;
  readonly #pending = new Map<number, (reply: unknown) => void>();
  #buffer = '';
  #nextId = 1;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => this.#read(data));
  }

  static async connect(socketPath: string): Promise<RawQmp> {
    const socket = net.createConnection({ path: socketPath });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.setNoDelay(true);
    const raw = new RawQmp(socket);
    await raw.execute('qmp_capabilities');
    return raw;
  }

  execute(name: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = this.#nextId++;
    const members = args === undefined ? '' : `,"arguments":${JSON.stringify(args)}`;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#socket.write(`{"execute":"${name}"${members},"id":${id}}\n`);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #read(data: string): void {
    this.#buffer += data;
    for (let newline = this.#buffer.indexOf('\n'); newline >= 0; newline = this.#buffer.indexOf('\n')) {
      const message = JSON.parse(this.#buffer.slice(0, newline)) as { id?: number };
      this.#buffer = this.#buffer.slice(newline + 1);
      if (typeof message.id === 'number') {
        this.#pending.get(message.id)?.(message);
        this.#pending.delete(message.id);
      }
    }
  }
}
