/**
 * Runs a program with an argv array (never a shell) and collects its output. The build only ever runs fixed tools
 * (apt-get, dpkg-deb, ldd, busybox) with arguments it computed itself.
 */
import { spawn } from 'node:child_process';

export class CommandFailed extends Error {
  readonly class = 'CommandFailed';
  readonly desc: string;
  constructor(
    readonly argv: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    const desc = `${argv.join(' ')} failed (${code === null ? 'killed' : `exit ${code}`}): ${lastLine(stderr)}`;
    super(desc);
    this.desc = desc;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Fed to the program's stdin, then closed. */
  input?: string | Buffer;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/** Runs and resolves whatever the exit code; rejects only when the program cannot be started at all. */
export function runAllowingFailure(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('runAllowingFailure: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), code });
    });
    if (child.stdin) {
      // A program that exits without reading all its input closes the pipe early; its exit code tells what happened.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}

/** Runs and rejects with `CommandFailed` unless the program exits 0. */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runAllowingFailure(argv, options);
  if (result.code !== 0) throw new CommandFailed(argv, result.code, result.stderr);
  return result;
}
