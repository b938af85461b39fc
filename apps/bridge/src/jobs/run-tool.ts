/**
 * Runs a host tool (qemu-img) with an argv, never a shell; resolves with its output, rejects with its own words
 * (stderr) as a `ToolFailed` error. The signal kills it (a cancelled restore).
 */
import { execFile } from 'node:child_process';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';

export function runTool(file: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { signal, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const words = stderr.trim() || err.message;
      reject(new BridgeError(BridgeErrorClass.Internal, `${file} failed: ${words}`, 500));
    });
  });
}
