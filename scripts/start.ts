/**
 * `pnpm start`: the bridge with the demo VMs, or with the user's config.
 *
 * pnpm 10 passes a literal `--` through to scripts, so `pnpm start -- --port 9000`
 * arrives here as `-- --port 9000`; the bridge's parser drops it too, this file
 * only needs to know whether a `--config` was given. Without one it writes the
 * demo config (or an empty one when QEMU is missing) and hands it to the bridge.
 * The helper commands (`hash-password`, `new-token`) go to the bridge as they are:
 * no demo, no web build, stdin passed through for the password.
 *
 * The bridge runs bundled (apps/bridge/scripts/bundle.ts), made afresh before every start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBridge } from '../apps/bridge/scripts/bundle.ts';
import { buildDemoConfig, prepareDemoStorage } from '../demo/demo-config.ts';
import { findDemoGuest } from '../demo/guest/cache.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The bridge's helper commands (apps/bridge/src/subcommands): passed through, nothing started. */
const SUBCOMMANDS = ['hash-password', 'new-token'];
const QEMU = 'qemu-system-x86_64';

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, binary)));
}

function dataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'qmpdeck');
}

function writeDemoConfig(): string {
  const dir = dataDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'demo-config.json');
  if (onPath(QEMU)) {
    const guest = findDemoGuest();
    const storage = join(dir, 'storage');
    if (!prepareDemoStorage(storage, guest))
      console.log('The demo guest has no ISO yet: its storage is empty.');
    writeFileSync(file, `${JSON.stringify(buildDemoConfig(guest, storage), null, 2)}\n`);
  } else {
    console.log(`${QEMU} was not found: serving the dashboard with no VMs.`);
    console.log('Install QEMU to get the demo VMs: sudo apt-get install -y qemu-system-x86');
    writeFileSync(file, `${JSON.stringify({ vms: [] }, null, 2)}\n`);
  }
  return file;
}

function ensureWebBuilt(): void {
  if (existsSync(join(root, 'apps/web/dist/index.html'))) return;
  console.log('Building the dashboard (first start only)...');
  const result = spawnSync('pnpm', ['--filter', '@qmpdeck/web', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The dashboard build failed; the bridge will start and say so on its page.');
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  const hasConfig = args.some(
    (arg) => arg === '--config' || arg.startsWith('--config=') || arg === '-c' || /^-c.+/.test(arg),
  );
  const wantsHelp = args.some((arg) => arg === '--help' || arg === '-h');
  const subcommand = SUBCOMMANDS.includes(args[0] ?? '');
  if (!hasConfig && !wantsHelp && !subcommand) args.push('--config', writeDemoConfig());
  if (!wantsHelp && !subcommand) ensureWebBuilt();
  const bridge = spawn(process.execPath, [await bundleBridge(), ...args], { cwd: root, stdio: 'inherit' });
  // Forward a stop request once: Ctrl-C already reaches the bridge through the terminal's process group, and
  // pnpm may pass the signal on too; the bridge takes a quick repeat as the same request, a later one as "now".
  let forwarded = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (forwarded++ === 0 || forwarded > 3) bridge.kill(signal);
    });
  }
  bridge.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 1 : 0));
  });
}

await main();
