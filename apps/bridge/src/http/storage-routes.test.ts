/**
 * Storage over HTTP with a real bridge and real files: uploads streamed and byte-identical; refused with a clear
 * error and nothing left behind for a name with `../`, a symlink out, a Content-Length or a stream over the
 * limit, a client that goes away; FileExists unless overwrite; downloads from a local HTTP server as a job with
 * progress; deletes. No QEMU: a bridge without VMs.
 */

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { upload, uploadChunk } from '../testing/upload.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

const LIMIT = 1024 * 1024;

describe('storage routes', () => {
  let dir: string;
  let images: string;
  let outside: string;
  let bridge: RunningBridge;
  let server: Server;
  let served: Buffer;

  const fileUrl = (name: string, query = '') =>
    `${bridge.url}/api/storage/local/files/${encodeURIComponent(name)}${query}`;
  /** Everything in the location, hidden temp files too: a refused transfer must leave nothing. */
  const everything = () => readdirSync(images).sort();
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-storage-'));
    images = join(dir, 'images');
    outside = join(dir, 'outside');
    mkdirSync(images);
    mkdirSync(outside);
    writeFileSync(join(outside, 'target'), 'not yours');
    bridge = await startTestBridge(dir, {
      storage: [{ id: 'local', path: images, content: ['disk', 'iso'] }],
      uploads: { maxBytes: LIMIT },
      downloads: { maxBytes: LIMIT },
    });
    served = uploadChunk(0, 600 * 1024);
    server = createServer((request, response) => {
      if (request.url === '/redirect-to-file') {
        response.writeHead(302, { location: 'file:///etc/passwd' }).end();
        return;
      }
      if (request.url === '/big') {
        response.writeHead(200, { 'content-length': String(2 * LIMIT) });
        response.end(uploadChunk(0, 2 * LIMIT));
        return;
      }
      response.writeHead(200, { 'content-length': String(served.length) });
      // Sent in pieces, so the job has progress to show on the way.
      let offset = 0;
      const next = () => {
        if (offset >= served.length) return response.end();
        response.write(served.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
        setTimeout(next, 40);
      };
      next();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterAll(async () => {
    server?.close();
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the locations with their space', async () => {
    const answer = await getJson(bridge, '/api/storage');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      {
        id: 'local',
        path: images,
        content: ['disk', 'iso'],
        total: expect.any(Number),
        free: expect.any(Number),
      },
    ]);
    expect((await getJson(bridge, '/api/storage/nowhere/files')).body.error.class).toBe('StorageNotFound');
  });

  it('stores an upload byte for byte, announced or chunked, and lists it', async () => {
    const sent = await upload(fileUrl('install.iso'), { bytes: 700 * 1024 });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      storage: 'local',
      name: 'install.iso',
      ref: 'local:install.iso',
      size: 700 * 1024,
    });
    expect(sha256(readFileSync(join(images, 'install.iso')))).toBe(sent.sha256);
    const chunked = await upload(fileUrl('chunked.img'), { bytes: 300 * 1024, contentLength: false });
    expect(chunked.status).toBe(201);
    expect(sha256(readFileSync(join(images, 'chunked.img')))).toBe(chunked.sha256);
    const files = (await getJson(bridge, '/api/storage/local/files')).body as {
      name: string;
      usedBy: string[];
    }[];
    expect(files.map((file) => file.name).sort()).toEqual(['chunked.img', 'install.iso']);
    expect(everything()).toEqual(['chunked.img', 'install.iso']);
    const jobs = (await getJson(bridge, '/api/jobs')).body as { kind: string; status: string }[];
    expect(jobs.filter((job) => job.kind === 'upload').map((job) => job.status)).toEqual(['done', 'done']);
  });

  it('refuses a taken name unless told to overwrite', async () => {
    const taken = await upload(fileUrl('install.iso'), { bytes: 1000 });
    expect(taken.status).toBe(409);
    expect(taken.body.error.class).toBe('FileExists');
    expect(readFileSync(join(images, 'install.iso')).length).toBe(700 * 1024);
    const replaced = await upload(fileUrl('install.iso', '?overwrite=1'), { bytes: 1000 });
    expect(replaced.status).toBe(201);
    expect(sha256(readFileSync(join(images, 'install.iso')))).toBe(replaced.sha256);
  });

  it('refuses names that leave the location, and symlinks out, writing nothing anywhere', async () => {
    for (const name of ['../escape.iso', '..', '.', 'a/b.iso', 'a\\b.iso']) {
      const refused = await upload(fileUrl(name), { bytes: 1000 });
      // "." and ".." are resolved in the URL itself, to another route: refused all the same.
      expect(refused.status, name).toBe(400);
      if (!name.startsWith('.')) expect(refused.body.error.class, name).toBe('BadRequest');
    }
    symlinkSync(join(outside, 'target'), join(images, 'link.iso'));
    const throughLink = await upload(fileUrl('link.iso', '?overwrite=1'), { bytes: 1000 });
    expect(throughLink.status).toBe(400);
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('not yours');
    expect(existsSync(join(dir, 'escape.iso'))).toBe(false);
    const deleted = await requestJson(
      bridge,
      'DELETE',
      '/api/storage/local/files/..%2Foutside%2Ftarget',
      undefined,
    );
    expect(deleted.status).toBe(400);
    expect(existsSync(join(outside, 'target'))).toBe(true);
    rmSync(join(images, 'link.iso'));
    expect(everything()).toEqual(['chunked.img', 'install.iso']);
  });

  it('refuses an upload over the limit, announced or not, and one cut off, leaving no partial file', async () => {
    const announced = await upload(fileUrl('big.iso'), { bytes: LIMIT + 1 });
    // Refused before the body is read: the answer, or the connection closed on a client still sending.
    if (announced.status !== null) {
      expect(announced.status).toBe(413);
      expect(announced.body.error.class).toBe('PayloadTooLarge');
    }
    expect(everything()).toEqual(['chunked.img', 'install.iso']);
    const streamed = await upload(fileUrl('big.iso'), { bytes: 2 * LIMIT, contentLength: false });
    if (streamed.status !== null) {
      expect(streamed.status).toBe(413);
      expect(streamed.body.error.class).toBe('PayloadTooLarge');
    }
    await waitFor(async () => {
      const jobs = (await getJson(bridge, '/api/jobs?status=running')).body as unknown[];
      return jobs.length === 0;
    }, 'the upload over the limit to end');
    expect(everything()).toEqual(['chunked.img', 'install.iso']);
    const cut = await upload(fileUrl('cut.iso'), { bytes: 800 * 1024, abortAfter: 200 * 1024 });
    expect(cut.status).toBeNull();
    // The bridge sees the client gone a moment later: its upload job fails and its temp file goes.
    await waitFor(async () => {
      const jobs = (await getJson(bridge, '/api/jobs?status=failed')).body as {
        kind: string;
        description: string;
      }[];
      return jobs.some((job) => job.kind === 'upload' && job.description.includes('cut.iso'));
    }, 'the cut upload to fail');
    expect(everything()).toEqual(['chunked.img', 'install.iso']);
  });

  it('downloads a URL as a job with progress, and refuses a redirect to file: and a file over the limit', async () => {
    const { port } = server.address() as AddressInfo;
    const ws = await TestWsClient.connect(bridge.url);
    const started = await postJson(bridge, '/api/storage/local/download', {
      url: `http://127.0.0.1:${port}/guest.iso`,
      name: 'guest.iso',
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'download', status: 'running' });
    const done = await waitFor(async () => {
      const jobs = (await getJson(bridge, '/api/jobs')).body as { id: string; status: string }[];
      const job = jobs.find((candidate) => candidate.id === started.body.id);
      return job?.status === 'running' ? undefined : job;
    }, 'the download to end');
    expect(done).toMatchObject({
      status: 'done',
      progress: { current: served.length, total: served.length },
    });
    expect(sha256(readFileSync(join(images, 'guest.iso')))).toBe(sha256(served));
    // Its progress was pushed over the WebSocket on the way, and its end.
    const pushed = (m: { type: string; job?: Job }) => m.type === 'job' && m.job?.id === started.body.id;
    await ws.seen(
      (m) => pushed(m) && (m as { job: Job }).job.status === 'done',
      'the job done on the WebSocket',
    );
    const states = ws.messages.filter(pushed).map((m) => (m as { job: Job }).job);
    expect(states.some((job) => job.status === 'running' && (job.progress?.current ?? 0) > 0)).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'done', progress: { current: served.length } });
    expect(ws.invalid).toEqual([]);
    ws.close();

    const again = await postJson(bridge, '/api/storage/local/download', {
      url: `http://127.0.0.1:${port}/guest.iso`,
      name: 'guest.iso',
    });
    expect(again.body.error.class).toBe('FileExists');
    const ftp = await postJson(bridge, '/api/storage/local/download', {
      url: 'ftp://example.org/x',
      name: 'x',
    });
    expect(ftp.status).toBe(400);
    for (const path of ['/redirect-to-file', '/big']) {
      const refused = await postJson(bridge, '/api/storage/local/download', {
        url: `http://127.0.0.1:${port}${path}`,
        name: 'refused.iso',
      });
      expect(refused.status).toBe(202);
      const failed = await waitFor(async () => {
        const jobs = (await getJson(bridge, '/api/jobs')).body as { id: string; status: string }[];
        const job = jobs.find((candidate) => candidate.id === refused.body.id);
        return job?.status === 'running' ? undefined : job;
      }, `the download of ${path} to end`);
      expect(failed.status, path).toBe('failed');
    }
    expect(everything()).toEqual(['chunked.img', 'guest.iso', 'install.iso']);
  });

  it('deletes a file, and says so when there is none', async () => {
    const deleted = await requestJson(bridge, 'DELETE', '/api/storage/local/files/chunked.img', undefined);
    expect(deleted.status).toBe(204);
    expect(existsSync(join(images, 'chunked.img'))).toBe(false);
    const missing = await requestJson(bridge, 'DELETE', '/api/storage/local/files/chunked.img', undefined);
    expect(missing.status).toBe(404);
    expect(missing.body.error.class).toBe('FileNotFound');
  });
});
