/**
 * Puts `promtool` in a cache, unpacked from Debian's `prometheus` package (apt-get download + dpkg-deb), rather
 * than installing that package: installing it creates a system user and, on a host with systemd, enables and
 * starts a Prometheus server (listening on :9090, scraping itself, writing a database under /var/lib); on a host
 * with neither systemd nor a policy-rc.d, a server that fails to start fails the whole install. The tests only
 * need the checker. promtool is one static-ish Go binary (it links libc only), so it runs from anywhere.
 *
 *   node --import tsx demo/promtool/fetch.ts [--force]
 *
 * Exits 0 with one line when it cannot fetch here (no apt, no network): the tests that need promtool skip.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  aptAvailable,
  candidateVersion,
  downloadPackages,
  extractPackage,
  GuestBuildUnavailable,
} from '../guest/apt.ts';
import { run } from '../guest/run-command.ts';
import {
  MANIFEST_FILE,
  PROMTOOL_FILE,
  type PromtoolManifest,
  promtoolCacheDir,
  readManifest,
} from './cache.ts';

export const PROMETHEUS_PACKAGE = 'prometheus';

/** Why promtool cannot be fetched here, in one line for people. */
export class PromtoolUnavailable extends Error {
  readonly class = 'PromtoolUnavailable';
  constructor(readonly desc: string) {
    super(desc);
  }
}

type Log = (line: string) => void;
const defaultLog: Log = (line) => console.log(`promtool: ${line}`);

export type FetchOutcome =
  | { status: 'fetched' | 'cached'; path: string; version: string }
  | { status: 'unavailable'; reason: string };

async function wantedVersion(): Promise<string> {
  if (!aptAvailable()) throw new PromtoolUnavailable('apt-get or dpkg-deb not found');
  const version = await candidateVersion(PROMETHEUS_PACKAGE);
  if (version === null) throw new PromtoolUnavailable(`apt offers no ${PROMETHEUS_PACKAGE} package`);
  return version;
}

/** Downloads the package into a staging dir beside `cacheDir`, takes promtool out, checks it runs, swaps it in. */
async function fetchInto(cacheDir: string, version: string, log: Log): Promise<void> {
  await mkdir(dirname(cacheDir), { recursive: true });
  const staging = await mkdtemp(join(dirname(cacheDir), `.${basename(cacheDir)}-`));
  try {
    log(`downloading ${PROMETHEUS_PACKAGE}=${version} for its promtool`);
    const debs = await downloadPackages([`${PROMETHEUS_PACKAGE}=${version}`], staging).catch(
      (error: unknown) => {
        throw error instanceof GuestBuildUnavailable ? new PromtoolUnavailable(error.desc) : error;
      },
    );
    const [deb] = debs;
    if (deb === undefined) throw new Error(`apt-get download left no .deb in ${staging}`);
    const unpacked = join(staging, 'root');
    await extractPackage(deb, unpacked);
    const promtool = join(unpacked, 'usr/bin', PROMTOOL_FILE);
    if (!existsSync(promtool)) throw new Error(`${PROMETHEUS_PACKAGE} ${version} has no usr/bin/promtool`);
    await run([promtool, '--version']);

    const tree = join(staging, 'out');
    await mkdir(tree);
    await rename(promtool, join(tree, PROMTOOL_FILE));
    await chmod(join(tree, PROMTOOL_FILE), 0o755);
    const manifest: PromtoolManifest = {
      package: PROMETHEUS_PACKAGE,
      version,
      fetchedAt: new Date().toISOString(),
    };
    await writeFile(join(tree, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(cacheDir, { recursive: true, force: true });
    await rename(tree, cacheDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export async function fetchPromtool(
  options: { cacheDir?: string; force?: boolean; log?: Log } = {},
): Promise<FetchOutcome> {
  const cacheDir = options.cacheDir ?? promtoolCacheDir();
  const log = options.log ?? defaultLog;
  const path = join(cacheDir, PROMTOOL_FILE);
  try {
    const version = await wantedVersion();
    if (!options.force && readManifest(cacheDir)?.version === version && existsSync(path)) {
      log(`up to date in ${cacheDir} (${PROMETHEUS_PACKAGE} ${version})`);
      return { status: 'cached', path, version };
    }
    await fetchInto(cacheDir, version, log);
    log(`promtool from ${PROMETHEUS_PACKAGE} ${version} in ${cacheDir}`);
    return { status: 'fetched', path, version };
  } catch (error) {
    if (!(error instanceof PromtoolUnavailable)) throw error;
    // An earlier copy still checks metrics; only say the tests skip when there is none.
    const earlier = readManifest(cacheDir);
    if (earlier !== null && existsSync(path)) {
      log(`cannot refresh (${error.desc}); keeping promtool from ${earlier.package} ${earlier.version}`);
      return { status: 'cached', path, version: earlier.version };
    }
    return { status: 'unavailable', reason: error.desc };
  }
}

async function main(): Promise<void> {
  const outcome = await fetchPromtool({ force: process.argv.includes('--force') });
  if (outcome.status === 'unavailable') {
    defaultLog(`not fetched: ${outcome.reason}; tests that need promtool will skip`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`promtool: fetch failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
