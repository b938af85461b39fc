/**
 * Fetches QEMU's own Python QMP client (`qemu.qmp`, with `qmp_shell.py`) and the `qmp-shell` script from Debian's
 * QEMU source tarball into a cache (see cache.ts), once: the tarball is checked against its pinned sha256,
 * only the two paths are extracted, and the tarball is deleted.
 *
 *   node --import tsx demo/qemu-python/fetch.ts [--force]
 *
 * `QMPDECK_QEMU_SOURCE_URL` points at another copy of the same tarball (a mirror); the pin still applies.
 * Exits 0 with one line when it cannot fetch here (no network, no tar or xz): tests that need these tools skip.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { runAllowingFailure } from '../guest/run-command.ts';
import { MANIFEST_FILE, type QemuPythonManifest, qemuPythonCacheDir, readManifest } from './cache.ts';
import { QEMU_SOURCE, type QemuSource } from './source.ts';

/** Why the tools cannot be fetched here, in one line for people. */
export class QemuPythonUnavailable extends Error {
  readonly class = 'QemuPythonUnavailable';
  constructor(readonly desc: string) {
    super(desc);
  }
}

type Log = (line: string) => void;
const defaultLog: Log = (line) => console.log(`qemu python: ${line}`);
const DOWNLOAD_TIMEOUT_MS = 180_000;

export type FetchOutcome =
  | { status: 'fetched' | 'cached'; dir: string }
  | { status: 'unavailable'; reason: string };

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

function installed(dir: string, source: QemuSource): boolean {
  return (
    readManifest(dir, source.sha256) !== null &&
    source.members.every((member) => existsSync(join(dir, member)))
  );
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}

/** Streams `url` into `file`, hashing as it goes; never more than `source.bytes`. Returns the sha256. */
async function download(source: QemuSource, file: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(source.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new QemuPythonUnavailable(`cannot download ${source.url} (no network?): ${describeFailure(error)}`);
  }
  if (!response.ok || response.body === null) {
    throw new QemuPythonUnavailable(`cannot download ${source.url}: HTTP ${response.status}`);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > source.bytes) {
        done(new QemuPythonUnavailable(`${source.url} is larger than the pinned ${source.bytes} bytes`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body), counter, createWriteStream(file));
  } catch (error) {
    if (error instanceof QemuPythonUnavailable) throw error;
    throw new QemuPythonUnavailable(`download of ${source.url} broke off: ${describeFailure(error)}`);
  }
  return hash.digest('hex');
}

/** Extracts the wanted members of `tarball` into `into` (as they are below the tarball's top directory). */
async function extractMembers(source: QemuSource, tarball: string, into: string): Promise<void> {
  const members = source.members.map((member) => `${source.topDir}/${member}`);
  const result = await runAllowingFailure([
    'tar',
    '--no-same-owner',
    '-xJf',
    tarball,
    '-C',
    into,
    ...members,
  ]);
  if (result.code !== 0)
    throw new Error(`tar could not extract ${members.join(' ')}: ${result.stderr.trim()}`);
}

/** Download, check, extract into a staging dir beside `cacheDir`, then swap it in by rename. */
async function fetchInto(cacheDir: string, source: QemuSource, log: Log): Promise<void> {
  await mkdir(dirname(cacheDir), { recursive: true });
  const staging = await mkdtemp(join(dirname(cacheDir), `.${basename(cacheDir)}-`));
  try {
    const tarball = join(staging, 'source.tar.xz');
    log(`downloading ${source.url} (${(source.bytes / 1024 / 1024).toFixed(1)} MB)`);
    const sha256 = await download(source, tarball);
    if (sha256 !== source.sha256) {
      throw new QemuPythonUnavailable(
        `refusing ${source.url}: its sha256 is ${sha256}, not the pinned ${source.sha256}`,
      );
    }
    await extractMembers(source, tarball, staging);
    const tree = join(staging, source.topDir);
    const manifest: QemuPythonManifest = { url: source.url, sha256, fetchedAt: new Date().toISOString() };
    await writeFile(join(tree, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(cacheDir, { recursive: true, force: true });
    await rename(tree, cacheDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export async function fetchQemuPython(
  options: { cacheDir?: string; source?: QemuSource; force?: boolean; log?: Log } = {},
): Promise<FetchOutcome> {
  const cacheDir = options.cacheDir ?? qemuPythonCacheDir();
  const source = options.source ?? QEMU_SOURCE;
  const log = options.log ?? defaultLog;
  if (!options.force && installed(cacheDir, source)) {
    log(`up to date in ${cacheDir}`);
    return { status: 'cached', dir: cacheDir };
  }
  try {
    const missing = ['tar', 'xz'].filter((tool) => !onPath(tool));
    if (missing.length > 0) throw new QemuPythonUnavailable(`${missing.join(' and ')} not found`);
    const started = Date.now();
    await fetchInto(cacheDir, source, log);
    log(`qemu.qmp and qmp-shell in ${cacheDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return { status: 'fetched', dir: cacheDir };
  } catch (error) {
    if (!(error instanceof QemuPythonUnavailable)) throw error;
    return { status: 'unavailable', reason: error.desc };
  }
}

async function main(): Promise<void> {
  const url = process.env.QMPDECK_QEMU_SOURCE_URL;
  const outcome = await fetchQemuPython({
    force: process.argv.includes('--force'),
    source: url ? { ...QEMU_SOURCE, url } : QEMU_SOURCE,
  });
  if (outcome.status === 'unavailable') {
    defaultLog(`not fetched: ${outcome.reason}; tests that need qemu.qmp or qmp-shell will skip`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`qemu python: fetch failed: ${describeFailure(error)}`);
    process.exitCode = 1;
  });
}
