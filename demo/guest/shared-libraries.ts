/**
 * The shared libraries a dynamically linked program needs, as `ldd` resolves them. qemu-ga is the only such
 * program in the guest (busybox is static).
 */
import { runAllowingFailure } from './run-command.ts';

export interface SharedLibraries {
  /** Absolute paths as the loader found them; each must sit at the same path inside the guest. */
  found: string[];
  /** Sonames ldd could not resolve. */
  missing: string[];
}

/** Parses `ldd` output: `libx.so.1 => /lib/.../libx.so.1 (0x...)`, `/lib64/ld-linux-x86-64.so.2 (0x...)`. */
export function parseLdd(output: string): SharedLibraries {
  const found: string[] = [];
  const missing: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('linux-vdso')) continue;
    const arrow = /^(\S+)\s+=>\s+(\S+)/.exec(line);
    if (arrow) {
      const [, soname = '', target = ''] = arrow;
      if (target === 'not') missing.push(soname);
      else if (target.startsWith('/')) found.push(target);
      continue;
    }
    const direct = /^(\/\S+)\s+\(0x/.exec(line);
    if (direct?.[1]) found.push(direct[1]);
  }
  return { found, missing };
}

/** `libraryPath` (LD_LIBRARY_PATH) lets unpacked packages stand in for libraries the host lacks. */
export async function sharedLibrariesOf(
  binary: string,
  libraryPath: readonly string[] = [],
): Promise<SharedLibraries> {
  const env = { ...process.env };
  if (libraryPath.length > 0) env.LD_LIBRARY_PATH = libraryPath.join(':');
  const result = await runAllowingFailure(['ldd', binary], { env });
  if (result.code !== 0 && result.stdout.length === 0) {
    throw new Error(`ldd ${binary} failed: ${result.stderr.trim()}`);
  }
  return parseLdd(result.stdout.toString('utf8'));
}
