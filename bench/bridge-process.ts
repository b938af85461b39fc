/**
 * What the benches that run the bridge as its own process share: starting it as users do (`pnpm start` runs the
 * bundle, apps/bridge/scripts/bundle.ts; a config file, a port of its choosing, errors only in the log), waiting
 * for a condition with a deadline, and reading a process's CPU time from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleBridge } from '../apps/bridge/scripts/bundle.ts';

const BRIDGE_DIR = fileURLToPath(new URL('../apps/bridge/', import.meta.url));
/** The kernel's USER_HZ: /proc's CPU times are counted in these. */
const TICKS_PER_SECOND = 100;

/** Polls `check` every `stepMs` until it holds, or throws naming `what` after `limitMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 30_000,
  stepMs = 20,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * Node's arguments for the bridge of `bridgeDir` (this one by default) on `config`, bundled as `pnpm start` runs
 * it: on a port of its choosing, errors only in the log.
 */
export async function bridgeArgv(config: string, bridgeDir = BRIDGE_DIR): Promise<string[]> {
  return [await bundleBridge(bridgeDir), '--config', config, '--port', '0', '--log-level', 'error'];
}

/**
 * A Node process on `args` (in `cwd`: the bridge's package by default), once it printed `listening on X` (the
 * bridge's ready line, and the benches' bare servers'); `url` is that X. Its stderr goes to the bench's.
 */
export async function startListening(
  args: string[],
  cwd = BRIDGE_DIR,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
  return { child, url };
}

/** The bridge's CLI on `config`, once it printed its ready line. */
export async function startBridgeProcess(config: string): Promise<{ child: ChildProcess; url: string }> {
  return startListening(await bridgeArgv(config));
}

/** User plus system CPU seconds of `pid` so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command, whose name may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
