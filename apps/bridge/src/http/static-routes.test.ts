/**
 * The web app as the bridge serves it, over real HTTP: files, SPA fallback, missing assets, traversal attempts,
 * the page shown before `pnpm build`, and a web build deleted and rebuilt while its files are being sent.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { startTestBridge } from '../testing/bridge.ts';

/** fetch() normalizes `..` away; a raw request sends the path exactly as an attacker would. */
function rawGet(bridge: RunningBridge, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** argv: the web root, the number of rounds. Synchronous on purpose: it races the bridge's own file reads. */
const REBUILD_SCRIPT = `
const { mkdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const [web, rounds] = process.argv.slice(1);
for (let n = 0; n < Number(rounds); n++) {
  const next = web + '-next';
  mkdirSync(next + '/assets', { recursive: true });
  writeFileSync(next + '/index.html', '<!doctype html><title>build ' + n + '</title>');
  writeFileSync(next + '/assets/app.js', 'x'.repeat(256 * 1024));
  rmSync(web, { recursive: true, force: true });
  renameSync(next, web);
  if (n % 2 === 1) rmSync(web, { recursive: true, force: true });
}`;

describe('serving the web app', () => {
  let dir: string;
  let built: RunningBridge;
  let unbuilt: RunningBridge;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-static-'));
    const web = join(dir, 'dist');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>deck</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    built = await startTestBridge(join(dir), { database: join(dir, 'a.db') }, { webRoot: web });
    unbuilt = await startTestBridge(
      join(dir),
      { database: join(dir, 'b.db') },
      { webRoot: join(dir, 'nothing') },
    );
  });

  afterAll(async () => {
    await built?.stop();
    await unbuilt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves files with their type, and index.html for client-side routes', async () => {
    const js = await fetch(`${built.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect(await js.text()).toBe('console.log(1)');
    for (const path of ['/', '/vms/alpha', '/vms/alpha/timeline']) {
      const page = await fetch(built.url + path);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>deck</title>');
    }
  });

  it('answers 404 for a missing asset and never leaves the root', async () => {
    expect((await fetch(`${built.url}/assets/missing.js`)).status).toBe(404);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const answer = await rawGet(built, path);
      expect(answer.body).not.toContain('secret');
    }
  });

  it('keeps serving while another process deletes and rebuilds the web build under requests in flight', async () => {
    const web = join(dir, 'racing');
    const racing = await startTestBridge(dir, { database: join(dir, 'c.db') }, { webRoot: web });
    try {
      // A rebuild as `pnpm build` does it, in a process of its own (truly concurrent with the bridge's reads):
      // each round writes a new build beside the old, removes the old, moves the new in place, then removes it.
      const rebuilder = spawn(process.execPath, ['-e', REBUILD_SCRIPT, web, '150'], { stdio: 'ignore' });
      const done = new Promise<void>((resolve) => rebuilder.once('exit', () => resolve()));
      let rebuilding = true;
      void done.then(() => {
        rebuilding = false;
      });
      const statuses: (number | string)[] = [];
      const clients = Array.from({ length: 8 }, async (_, lane) => {
        while (rebuilding) {
          const path = lane % 2 === 0 ? '/assets/app.js' : lane % 4 === 1 ? '/vms/alpha' : '/index.html';
          // A request cut off mid-body by a vanished file is fine; a bridge that dies is not.
          const answer = await rawGet(racing, path).catch((err: Error) => err.message);
          statuses.push(typeof answer === 'string' ? answer : answer.status);
        }
      });
      await Promise.all([done, ...clients]);
      expect(statuses.length).toBeGreaterThan(20);
      expect(statuses.filter((status) => typeof status === 'number' && status >= 500)).toEqual([]);
      mkdirSync(web, { recursive: true });
      writeFileSync(join(web, 'index.html'), '<!doctype html><title>build after</title>');
      expect(await (await fetch(`${racing.url}/vms/alpha`)).text()).toContain('build after');
      expect((await fetch(`${racing.url}/api/health`)).status).toBe(200);
    } finally {
      await racing.stop();
    }
  });

  it('says to run pnpm build when the web app is not built, and the API still works', async () => {
    const page = await fetch(`${unbuilt.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('pnpm build');
    expect((await fetch(`${unbuilt.url}/api/vms`)).status).toBe(200);
  });
});
