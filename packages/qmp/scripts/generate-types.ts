/**
 * Writes src/generated/qapi.ts from the QAPI introspection of a real QEMU (`query-qmp-schema`).
 *
 *   pnpm --filter @qmpdeck/qmp generate                  starts qemu-system-x86_64 and asks it
 *   pnpm --filter @qmpdeck/qmp generate --from FILE      reads a saved query-qmp-schema result instead
 *   ... --qemu PATH                                      another QEMU binary
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { QmpClient } from '../src/client.ts';
import type { SchemaInfo } from '../src/schema/introspection.ts';
import { generateQapiTypes } from './qapi-to-ts.ts';

const OUTPUT = path.join(import.meta.dirname, '..', 'src', 'generated', 'qapi.ts');

async function waitForSocket(socketPath: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!existsSync(socketPath)) {
    if (exited()) throw new Error('QEMU exited before opening its QMP socket');
    if (Date.now() > deadline) throw new Error('QEMU did not open its QMP socket within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function schemaFromQemu(qemuBinary: string): Promise<{ schema: SchemaInfo[]; source: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qmp-generate-'));
  const socketPath = path.join(dir, 'qmp.sock');
  const qemu = spawn(
    qemuBinary,
    ['-M', 'none', '-S', '-nodefaults', '-display', 'none', '-qmp', `unix:${socketPath},server=on,wait=off`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    qemu.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  try {
    await waitForSocket(socketPath, () => exited);
    let client: QmpClient | undefined;
    for (let attempt = 0; !client; attempt++) {
      try {
        client = await QmpClient.connect({ path: socketPath });
      } catch (error) {
        // The socket file exists a moment before QEMU listens on it.
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const schema = (await client.execute('query-qmp-schema')) as SchemaInfo[];
    const { qemu: v, package: pkg } = client.greeting.version;
    await client.close();
    return { schema, source: `query-qmp-schema of ${qemuBinary} ${v.major}.${v.minor}.${v.micro} (${pkg})` };
  } finally {
    if (!exited) qemu.kill('SIGKILL');
    await exitPromise;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      qemu: { type: 'string', default: 'qemu-system-x86_64' },
      out: { type: 'string', default: OUTPUT },
    },
  });
  const input = values.from
    ? {
        schema: JSON.parse(readFileSync(values.from, 'utf8')) as SchemaInfo[],
        source: `${path.basename(values.from)} (--from)`,
      }
    : await schemaFromQemu(values.qemu);
  const output = generateQapiTypes(input);
  writeFileSync(values.out, output);
  console.log(`wrote ${values.out} (${output.length} bytes) from ${input.source}`);
}

main().catch((error: unknown) => {
  console.error(`generate-types failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
