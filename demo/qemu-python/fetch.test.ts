/**
 * The fetch against a real HTTP server on loopback serving a small tarball shaped like QEMU's: only the pinned
 * bytes are accepted, only the two members are extracted, a failure leaves an earlier install alone, and the CLI
 * says "cannot" in one line and exits 0, as setup needs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readManifest } from './cache.ts';
import { fetchQemuPython } from './fetch.ts';
import type { QemuSource } from './source.ts';

const FETCH_CLI = join(dirname(fileURLToPath(import.meta.url)), 'fetch.ts');

let work: string;
let tarball: Buffer;
let server: Server;
let baseUrl: string;

function makeTarball(): Buffer {
  const tree = join(work, 'src', 'qemu-9.9.9');
  mkdirSync(join(tree, 'python/qemu/qmp'), { recursive: true });
  writeFileSync(join(tree, 'python/qemu/qmp/__init__.py'), '# qemu.qmp\n');
  mkdirSync(join(tree, 'scripts/qmp'), { recursive: true });
  writeFileSync(join(tree, 'scripts/qmp/qmp-shell'), '#!/usr/bin/env python3\n');
  writeFileSync(join(tree, 'scripts/qmp/qom-tree'), 'not wanted\n');
  writeFileSync(join(tree, 'configure'), 'not wanted either\n');
  const result = spawnSync('tar', ['-cJf', join(work, 'src.tar.xz'), '-C', join(work, 'src'), 'qemu-9.9.9']);
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr}`);
  return readFileSync(join(work, 'src.tar.xz'));
}

function sourceFor(path: string, body: Buffer = tarball): QemuSource {
  return {
    url: `${baseUrl}${path}`,
    sha256: createHash('sha256').update(body).digest('hex'),
    bytes: body.length,
    topDir: 'qemu-9.9.9',
    members: ['python/qemu', 'scripts/qmp/qmp-shell'],
  };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'qmpdeck-qemu-fetch-'));
  tarball = makeTarball();
  server = createServer((request, response) => {
    if (request.url === '/qemu.tar.xz') response.end(tarball);
    else if (request.url === '/tampered.tar.xz')
      response.end(Buffer.concat([tarball.subarray(0, -1), Buffer.from('!')]));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('fetchQemuPython', () => {
  let cacheDir: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  beforeEach(() => {
    cacheDir = join(mkdtempSync(join(work, 'cache-')), 'qemu-python');
    lines.length = 0;
  });
  afterEach(() => {
    rmSync(dirname(cacheDir), { recursive: true, force: true });
  });

  it('extracts only the package and qmp-shell, records the tarball, keeps no tarball, and is then cached', async () => {
    const source = sourceFor('/qemu.tar.xz');
    expect(await fetchQemuPython({ cacheDir, source, log })).toEqual({ status: 'fetched', dir: cacheDir });
    expect(readFileSync(join(cacheDir, 'python/qemu/qmp/__init__.py'), 'utf8')).toBe('# qemu.qmp\n');
    expect(readdirSync(join(cacheDir, 'scripts/qmp'))).toEqual(['qmp-shell']);
    expect(readdirSync(cacheDir).sort()).toEqual(['manifest.json', 'python', 'scripts']);
    expect(readManifest(cacheDir, source.sha256)).toMatchObject({ url: source.url, sha256: source.sha256 });
    expect(readdirSync(dirname(cacheDir))).toEqual(['qemu-python']);

    expect(await fetchQemuPython({ cacheDir, source, log })).toEqual({ status: 'cached', dir: cacheDir });
  });

  it('refuses bytes that do not match the pin, and leaves an earlier install as it was', async () => {
    await fetchQemuPython({ cacheDir, source: sourceFor('/qemu.tar.xz'), log });
    const tampered = { ...sourceFor('/qemu.tar.xz'), url: `${baseUrl}/tampered.tar.xz` };
    const outcome = await fetchQemuPython({ cacheDir, source: tampered, force: true, log });
    expect(outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/^refusing .*sha256/),
    });
    expect(existsSync(join(cacheDir, 'python/qemu/qmp/__init__.py'))).toBe(true);
    expect(readdirSync(dirname(cacheDir))).toEqual(['qemu-python']);
  });

  it('stops a download that grows past the pinned size', async () => {
    const outcome = await fetchQemuPython({
      cacheDir,
      source: { ...sourceFor('/qemu.tar.xz'), bytes: tarball.length - 1 },
      log,
    });
    expect(outcome).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('larger than the pinned'),
    });
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('says which HTTP status it got', async () => {
    const outcome = await fetchQemuPython({ cacheDir, source: sourceFor('/missing.tar.xz'), log });
    expect(outcome).toEqual({
      status: 'unavailable',
      reason: `cannot download ${baseUrl}/missing.tar.xz: HTTP 404`,
    });
  });
});

/** A loopback port nobody listens on (one that was just free): connecting is refused, as without network. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('the fetch CLI where it cannot fetch', () => {
  it('says so in one line and exits 0', async () => {
    const cacheDir = join(work, 'cli-cache', 'qemu-python');
    const url = `http://127.0.0.1:${await closedPort()}/q.tar.xz`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', FETCH_CLI], {
      env: { ...process.env, QMPDECK_QEMU_PYTHON_DIR: cacheDir, QMPDECK_QEMU_SOURCE_URL: url },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      `qemu python: downloading ${url} (22.4 MB)`,
      `qemu python: not fetched: cannot download ${url} (no network?): fetch failed: connect ECONNREFUSED ${new URL(url).host}; tests that need qemu.qmp or qmp-shell will skip`,
    ]);
    expect(existsSync(cacheDir)).toBe(false);
  });
});
