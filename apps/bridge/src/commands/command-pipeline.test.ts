/** The pipeline's bridge-wide actions without QEMU: one answered by its own route only, admitted or refused. */
import { describe, expect, it } from 'vitest';
import { NOBODY } from '../auth/principal.ts';
import { VmRegistry } from '../vms/vm-registry.ts';
import type { CommandRecord } from './command-audit.ts';
import { CommandPipeline } from './command-pipeline.ts';
import type { CommandRequest } from './command-request.ts';

const scrape: CommandRequest = {
  vm: null,
  target: 'bridge',
  command: 'metrics.read',
  actor: { client: 'http', user: null, origin: 'Prometheus scrape' },
  principal: NOBODY,
};

function pipeline(allowed: boolean) {
  const records: CommandRecord[] = [];
  const commands = new CommandPipeline({
    registry: new VmRegistry(),
    audit: { record: (entry) => records.push(entry) },
    policy: { decide: () => (allowed ? { allowed: true } : { allowed: false, desc: 'not you' }) },
  });
  return { commands, records };
}

describe('metrics.read in the pipeline', () => {
  it('is admitted without an audit record when the policy allows it', async () => {
    const { commands, records } = pipeline(true);
    await expect(commands.admit(scrape)).resolves.toBeUndefined();
    expect(records).toEqual([]);
  });

  it('is refused and audited when the policy does not allow it', async () => {
    const { commands, records } = pipeline(false);
    await expect(commands.admit(scrape)).rejects.toMatchObject({ class: 'Forbidden', desc: 'not you' });
    expect(records.map(({ request, outcome }) => [request.command, outcome])).toEqual([
      ['metrics.read', 'refused'],
    ]);
  });

  it('cannot be run as a command: its route answers it', async () => {
    const { commands, records } = pipeline(true);
    await expect(commands.run(scrape)).rejects.toMatchObject({
      class: 'BadRequest',
      desc: '"metrics.read" is answered by its own route only',
    });
    expect(records.map(({ outcome }) => outcome)).toEqual(['error']);
  });

  it('hardware.read needs a VM', async () => {
    const { commands } = pipeline(true);
    await expect(commands.run({ ...scrape, command: 'hardware.read' })).rejects.toMatchObject({
      class: 'BadRequest',
      desc: '"hardware.read" needs a VM',
    });
  });
});
