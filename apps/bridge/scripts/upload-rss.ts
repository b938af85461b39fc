/**
 * Measures what a big upload costs the bridge: its resident memory (VmRSS of the bridge's own process, sampled
 * every 50 ms) before, at most and after a streamed upload, and the throughput. Not a test (no assertion on
 * time or memory): figures for people.
 *
 *   node --import tsx apps/bridge/scripts/upload-rss.ts [MiB]   (default 200)
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upload } from '../src/testing/upload.ts';

const MiB = 1024 * 1024;
const bytes = Number(process.argv[2] ?? 200) * MiB;
const bridgeDir = fileURLToPath(new URL('..', import.meta.url));

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) * 1024;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upload-rss-'));
  const images = join(dir, 'images');
  mkdirSync(images);
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      vms: [],
      database: join(dir, 'events.db'),
      runtimeDir: join(dir, 'run'),
      storage: [{ id: 'local', path: images, content: ['iso'] }],
    }),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', '--', '--config', config, '--port', '0', '--log-level', 'warn'],
    { cwd: bridgeDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    while (!/listening on (\S+)\n/.test(out)) await new Promise((resolve) => setTimeout(resolve, 50));
    const url = /listening on (\S+)\n/.exec(out)?.[1] as string;
    const pid = child.pid as number;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = rssOf(pid);
    let max = before;
    const sampler = setInterval(() => {
      max = Math.max(max, rssOf(pid));
    }, 50);
    const started = process.hrtime.bigint();
    const answer = await upload(`${url}/api/storage/local/files/big.iso`, { bytes, chunkBytes: 256 * 1024 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const after = rssOf(pid);
    const identical = (await sha256Of(join(images, 'big.iso'))) === answer.sha256;
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
    console.log(
      [
        `upload of ${mib(bytes)}: HTTP ${answer.status}, byte-identical: ${identical}`,
        `throughput ${(bytes / MiB / seconds).toFixed(1)} MiB/s (${seconds.toFixed(2)} s)`,
        `bridge RSS before ${mib(before)}, at most ${mib(max)} (+${mib(max - before)}), after ${mib(after)}`,
      ].join('\n'),
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
