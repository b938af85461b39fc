/**
 * A raw `socat` session, as a person types into one: the script goes to socat's stdin, everything the server
 * writes is kept, and the session ends once the reply carrying the last id has arrived. Run with argv, no shell.
 */
import { spawn } from 'node:child_process';
import { waitFor } from '../../testing/wait-for.ts';
import type { LineAddress } from './line-client.ts';

export async function socatSession(
  address: LineAddress,
  script: Buffer,
  lastIdText: string,
): Promise<string> {
  const target = 'path' in address ? `UNIX-CONNECT:${address.path}` : `TCP:${address.host}:${address.port}`;
  const child = spawn('socat', ['-', target], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    err += text;
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin.write(script);
  try {
    await waitFor(
      () => out.includes(`"id": ${lastIdText}}`),
      `socat's reply to ${lastIdText} (stderr: ${err})`,
      15_000,
    );
  } finally {
    child.stdin.end();
    child.kill('SIGTERM');
    await exited;
  }
  return out;
}

/**
 * `echo SCRIPT | socat - ADDRESS`: the input ends at once (socat half-closes and waits half a second for the
 * answers, its default), which is how many people use QMP from a shell.
 */
export async function socatOneShot(address: LineAddress, script: Buffer): Promise<string> {
  const target = 'path' in address ? `UNIX-CONNECT:${address.path}` : `TCP:${address.host}:${address.port}`;
  const child = spawn('socat', ['-t', '2', '-', target], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin.end(script);
  await exited;
  return out;
}

/** Events' timestamps differ between two QEMUs: the only part of a transcript allowed to. */
export function withoutTimestamps(transcript: string): string {
  return transcript.replace(/"seconds": \d+, "microseconds": \d+/g, '"seconds": S, "microseconds": U');
}
