/**
 * A VM's consoles, one part of its supervisor: where its VNC display listens and the serial ports the bridge holds
 * for it, as the VM object's `consoles` field says (`{ vnc, serial: [names] }`). Both come from the VM's config
 * when it names them, otherwise from QEMU after every QMP connect (`query-vnc`, `query-chardev` + QOM): bridge
 * housekeeping, like the run-state query, not anybody's command. Between connections the last answer stays, so a
 * console tab does not flicker while QEMU restarts; the serial ports keep reconnecting by themselves meanwhile.
 */
import { join } from 'node:path';
import type { Consoles } from '@qmpdeck/protocol';
import type { QmpClient } from '@qmpdeck/qmp';
import type { SerialConfig, VncConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { RotatingLog } from './rotating-log.ts';
import { lookUpSerialPorts, type SerialPortAddress } from './serial-discovery.ts';
import { SerialPort } from './serial-port.ts';
import { type Display, lookUpDisplay, NO_DISPLAY_YET } from './vnc-display.ts';

export interface VmConsolesOptions {
  vmId: string;
  log: Logger;
  /** From the config: used as given instead of asking QEMU. */
  vnc?: VncConfig | undefined;
  serial?: SerialConfig | undefined;
  /** The VM's own QMP and guest agent sockets: never a serial port. */
  ownSockets: () => string[];
  /** Where the serial ports' logs go (`<name>.log`). */
  logDir: string;
  /** `info` changed. */
  onChange: () => void;
  /** The serial ports' reconnect backoff cap; short in tests. */
  maxRetryMs?: number | undefined;
}

export class VmConsoles {
  readonly #options: VmConsolesOptions;
  readonly #ports = new Map<string, SerialPort>();
  #display: Display;
  /** Counts lookups, so an answer from an older connection never overrides a newer one. */
  #lookups = 0;
  #stopped = false;

  constructor(options: VmConsolesOptions) {
    this.#options = options;
    const { vnc } = options;
    this.#display = vnc
      ? { address: 'socket' in vnc ? { path: vnc.socket } : { host: vnc.host, port: vnc.port } }
      : NO_DISPLAY_YET;
  }

  get info(): Consoles {
    return { vnc: 'address' in this.#display, serial: [...this.#ports.keys()] };
  }

  get display(): Display {
    return this.#display;
  }

  port(name: string): SerialPort | undefined {
    return this.#ports.get(name);
  }

  /** Ports named in the config are held from the start, whether QEMU runs yet or not. */
  start(): void {
    if (this.#options.serial) this.#setPorts(this.#options.serial);
  }

  /** After a QMP connect: asks QEMU for what the config does not name. */
  async discover(client: QmpClient): Promise<void> {
    const lookup = ++this.#lookups;
    const { vnc, serial } = this.#options;
    // A lookup that fails (the connection ended mid-way, most likely) keeps the last answer; the next connect asks.
    const display = vnc
      ? null
      : await lookUpDisplay(client).catch((err: unknown) => this.#lookupFailed('display', err));
    const ports = serial
      ? null
      : await lookUpSerialPorts(client, this.#options.ownSockets()).catch((err: unknown) =>
          this.#lookupFailed('serial port', err),
        );
    if (lookup !== this.#lookups || this.#stopped) return;
    if (display) this.#display = display;
    if (ports) this.#setPorts(ports);
    this.#options.onChange();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#ports.values()].map((port) => port.stop('the bridge is shutting down')));
    this.#ports.clear();
  }

  #lookupFailed(what: string, err: unknown): null {
    this.#options.log.debug({ vm: this.#options.vmId, err }, `${what} lookup failed`);
    return null;
  }

  /** Holds exactly these ports: new ones are connected, moved ones reconnect there, vanished ones close. */
  #setPorts(found: readonly SerialPortAddress[]): void {
    const names = new Set(found.map((port) => port.name));
    for (const [name, port] of this.#ports) {
      if (names.has(name)) continue;
      this.#ports.delete(name);
      void port.stop(`the VM has no serial port "${name}" any more`);
    }
    for (const { name, socket } of found) {
      const held = this.#ports.get(name);
      if (held) {
        held.retarget(socket);
        continue;
      }
      const port = new SerialPort({
        vmId: this.#options.vmId,
        name,
        socketPath: socket,
        log: this.#options.log,
        logFile: new RotatingLog(join(this.#options.logDir, `${name}.log`), {
          onError: (err) =>
            this.#options.log.warn(
              { vm: this.#options.vmId, port: name, err },
              'cannot write the serial log',
            ),
        }),
        maxRetryMs: this.#options.maxRetryMs,
      });
      this.#ports.set(name, port);
      port.start();
    }
  }
}

/** A VM's serial log directory under the bridge's data directory; any VM id is safe as one path segment. */
export function serialLogDir(dataDir: string, vmId: string): string {
  return join(dataDir, 'serial-logs', `vm-${encodeURIComponent(vmId)}`);
}
