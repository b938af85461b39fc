/**
 * qemu-img, through argv only: `create` (new disks), `info --output=json` (format, virtual size, backing file),
 * `convert -p` (full copies, its progress read from what it prints). Failures carry qemu-img's own words.
 * `info` opens only the image itself (qemu-img does not follow a backing file for `info`), with `-U` so an image a
 * running VM holds can be looked at.
 */
import { spawn } from 'node:child_process';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';

export const QEMU_IMG = 'qemu-img';

export interface ImageInfo {
  format: string;
  virtualSize: number;
  /** A backing file or external data file the image names (it would be opened with it), or null. */
  dependsOn: string | null;
}

/** `qemu-img create -f FORMAT PATH BYTES`; qcow2 and raw are both sparse, so this is quick whatever the size. */
export async function qemuImgCreate(path: string, format: 'qcow2' | 'raw', bytes: number): Promise<void> {
  await run(['create', '-q', '-f', format, path, String(bytes)]);
}

export async function qemuImgInfo(path: string): Promise<ImageInfo> {
  const { stdout } = await run(['info', '--output=json', '-U', path]);
  const info = JSON.parse(stdout) as {
    format: string;
    'virtual-size': number;
    'backing-filename'?: string;
    'format-specific'?: { data?: { 'data-file'?: string } };
  };
  return {
    format: info.format,
    virtualSize: info['virtual-size'],
    dependsOn: info['backing-filename'] ?? info['format-specific']?.data?.['data-file'] ?? null,
  };
}

/**
 * A full copy: `qemu-img convert -p -f FROM -O TO SRC DST`. `onProgress` gets the fraction done (0..1) as
 * qemu-img prints it; the signal kills it.
 */
export async function qemuImgConvert(
  source: { path: string; format: string },
  target: { path: string; format: string },
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<void> {
  await run(['convert', '-p', '-f', source.format, '-O', target.format, source.path, target.path], {
    signal: options.signal,
    onStdout: (text) => {
      // "    (12.34/100%)\r", one per step, possibly several in one chunk.
      for (const match of text.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)) {
        options.onProgress?.(Number(match[1]) / 100);
      }
    },
  });
}

function run(
  args: string[],
  options: { signal?: AbortSignal | undefined; onStdout?: (text: string) => void } = {},
): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU_IMG, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (options.onStdout) options.onStdout(text);
      else stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', (err) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new BridgeError(
            BridgeErrorClass.Internal,
            'qemu-img not found: install it (Debian: apt install qemu-utils)',
            500,
          ),
        );
      } else reject(options.signal?.aborted ? options.signal.reason : err);
    });
    child.once('close', (code) => {
      if (code === 0) resolve({ stdout });
      else if (options.signal?.aborted) reject(options.signal.reason);
      else {
        const words = stderr.trim().replace(/^qemu-img: /, '') || `exit code ${code}`;
        reject(new BridgeError(BridgeErrorClass.Internal, `qemu-img ${args[0]}: ${words}`, 500));
      }
    });
  });
}
