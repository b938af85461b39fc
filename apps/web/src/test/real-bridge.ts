/**
 * The real bridge for the web app's hook tests: its CLI started as users
 * start it, with a config of managed QEMUs (the bridge launches and kills
 * them), a database in a fresh temp dir, on a port of its own choosing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RealBridge {
  url: string;
  execute(vm: string, command: string, args?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

const bridgeMain = resolve(import.meta.dirname, '../../../bridge/src/main.ts');
export const QEMU_ARGS = ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'];

function waitForListening(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bridge did not start:\n${log.join('')}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      const match = /listening on (http:\/\/\S+)/.exec(log.join(''));
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise(match[1].replace(/\/$/, ''));
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bridge exited with ${code}:\n${log.join('')}`));
    });
  });
}

/** `config` adds top-level config fields (`users`, `policy`...) to the VMs; `port` 0 lets the bridge choose. */
export async function startRealBridge(
  vms: { id: string; name: string; args?: string[] }[],
  config: Record<string, unknown> = {},
  port = 0,
): Promise<RealBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'qmpdeck-web-bridge-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      ...config,
      database: join(dir, 'events.db'),
      // Its own runtime dir (tests run side by side; one bridge per runtime dir), and its QEMUs end with it.
      runtimeDir: join(dir, 'run'),
      stopVmsOnExit: true,
      vms: vms.map((vm) => ({ id: vm.id, name: vm.name, launch: { args: vm.args ?? QEMU_ARGS } })),
    }),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', bridgeMain, '--config', configPath, '--host', '127.0.0.1', '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
  let url: string;
  try {
    url = await waitForListening(child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    async execute(vm, command, args) {
      const response = await fetch(`${url}/api/vms/${vm}/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }),
      });
      const body = (await response.json()) as { return?: unknown; error?: unknown };
      if (!response.ok) throw new Error(`${command} failed: ${JSON.stringify(body)}`);
      return body.return;
    },
  };
}

/**
 * Polls until the bridge says the VM is connected to QMP. With users, pass the page's `window.fetch`, which
 * carries its session cookie.
 */
export async function waitForConnected(
  bridge: RealBridge,
  vm: string,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetchFn(`${bridge.url}/api/vms/${vm}`);
    if (response.ok && ((await response.json()) as { connection: string }).connection === 'connected') return;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
  throw new Error(`${vm} did not connect within 20 s`);
}
