/**
 * Debian's package tools, used only to fetch and unpack packages into a scratch directory: nothing is installed
 * into the host.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { run, runAllowingFailure } from './run-command.ts';

/** Why the demo guest cannot be built here, in one line for people. */
export class GuestBuildUnavailable extends Error {
  readonly class = 'GuestBuildUnavailable';
  constructor(readonly desc: string) {
    super(desc);
  }
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

export function aptAvailable(): boolean {
  return ['apt-get', 'apt-cache', 'dpkg-deb'].every(onPath);
}

/** The version apt would download for `name`, or null when no source offers it. */
export async function candidateVersion(name: string): Promise<string | null> {
  const { stdout } = await run(['apt-cache', 'policy', name]);
  const match = /^\s*Candidate:\s*(\S+)/m.exec(stdout.toString('utf8'));
  const version = match?.[1];
  return version === undefined || version === '(none)' ? null : version;
}

/** The packages `name` depends on directly (alternatives and virtual packages skipped). */
export async function directDependencies(name: string): Promise<string[]> {
  const { stdout } = await run(['apt-cache', 'depends', '--no-recommends', '--no-suggests', name]);
  const found: string[] = [];
  for (const line of stdout.toString('utf8').split('\n')) {
    const match = /^\s{2}Depends:\s*([^<\s]\S*)$/.exec(line);
    if (match?.[1]) found.push(match[1].replace(/:any$/, ''));
  }
  return found;
}

/**
 * Makes sure apt knows about packages: on a fresh container the lists are empty and `apt-cache policy` finds
 * nothing. Only root may refresh them; anyone else gets a clear reason.
 */
export async function ensurePackageLists(probe: string, log: (line: string) => void): Promise<void> {
  if ((await candidateVersion(probe)) !== null) return;
  if (process.getuid?.() !== 0) {
    throw new GuestBuildUnavailable(`apt does not know ${probe} and only root may run apt-get update`);
  }
  log('apt has no package lists; running apt-get update');
  const result = await runAllowingFailure(['apt-get', 'update', '-qq']);
  if (result.code !== 0 || (await candidateVersion(probe)) === null) {
    throw new GuestBuildUnavailable(`apt-get update could not find ${probe} (no network?)`);
  }
}

/** Downloads exact `name=version` pairs into `dir` and returns the .deb paths. */
export async function downloadPackages(specs: readonly string[], dir: string): Promise<string[]> {
  // Download as the calling user into our own scratch dir: the _apt sandbox user could not write there.
  const result = await runAllowingFailure(
    ['apt-get', 'download', '-q', '-o', 'APT::Sandbox::User=root', ...specs],
    { cwd: dir },
  );
  if (result.code !== 0) {
    const reason = result.stderr.trim().split('\n').pop() ?? '';
    throw new GuestBuildUnavailable(`apt-get download failed (no network?): ${reason}`);
  }
  return (await readdir(dir)).filter((file) => file.endsWith('.deb')).map((file) => join(dir, file));
}

export async function extractPackage(deb: string, into: string): Promise<void> {
  await run(['dpkg-deb', '-x', deb, into]);
}
