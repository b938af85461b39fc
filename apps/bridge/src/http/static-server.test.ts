/**
 * The web app as the bridge serves it, over real HTTP: files, SPA fallback,
 * missing assets, traversal attempts, and the page shown before `pnpm build`.
 */
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

  it('says to run pnpm build when the web app is not built, and the API still works', async () => {
    const page = await fetch(`${unbuilt.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('pnpm build');
    expect((await fetch(`${unbuilt.url}/api/vms`)).status).toBe(200);
  });
});
