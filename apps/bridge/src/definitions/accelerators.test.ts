import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLog, LEVEL } from '../testing/log-capture.ts';
import { AcceleratorChoice } from './accelerators.ts';

// Stand-ins for QEMU: one that quits at once (as QEMU aborting on a KVM it cannot use), one that keeps running.
// A real QEMU cannot be made to do either on demand: whether KVM works depends on the host.
const dir = mkdtempSync(join(tmpdir(), 'accel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function executable(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!${process.execPath}\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const quits = executable('quits', 'process.exit(134);');
const runs = executable('runs', 'setTimeout(() => {}, 60_000);');
const device = join(dir, 'kvm');
writeFileSync(device, '');

describe('AcceleratorChoice', () => {
  it('is TCG alone, running nothing, when /dev/kvm cannot be opened', async () => {
    const choice = new AcceleratorChoice(join(dir, 'no-such-qemu'), null, join(dir, 'no-such-kvm'));
    expect(await choice.for('q35', 'max')).toEqual(['tcg']);
  });

  it('is KVM then TCG when QEMU keeps running the machine under KVM', async () => {
    const choice = new AcceleratorChoice(runs, null, device);
    expect(await choice.for('q35', 'max')).toEqual(['kvm', 'tcg']);
  });

  it('is TCG alone, said in the log, when QEMU quits at once under KVM; asked once per machine and model', async () => {
    const { log, lines } = captureLog();
    const choice = new AcceleratorChoice(quits, log, device);
    const first = choice.for('q35', 'host');
    expect(choice.for('q35', 'host')).toBe(first);
    expect(await first).toEqual(['tcg']);
    expect(lines.filter((line) => line.msg.includes('under KVM') && line.level === LEVEL.warn)).toHaveLength(
      1,
    );
  });
});
