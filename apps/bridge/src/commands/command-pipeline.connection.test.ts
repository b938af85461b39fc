/**
 * Connection-level actions (`console.view`, `console.input`, `serial.input`) pass the pipeline's
 * `authorizeConnection`: the VM is resolved, the policy decides, a hidden VM reads as not found, and the audit keeps
 * one record per connection with what it may do. Nothing here reaches QEMU, so no QEMU runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStore } from '../events/event-store.ts';
import { silentLogger } from '../log.ts';
import { VmRegistry } from '../vms/vm-registry.ts';
import { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { CommandRecord } from './command-audit.ts';
import { CommandPipeline } from './command-pipeline.ts';
import type { CommandPolicy } from './command-policy.ts';
import type { CommandRequest } from './command-request.ts';

const actor = { client: 'console-1', user: 'vera', origin: 'console', remote: '127.0.0.1' };

/** A viewer of VM "seen" only: may watch consoles there, never type; VMs other than "seen" are outside its scope. */
const viewerPolicy: CommandPolicy = {
  decide: (request: CommandRequest) => {
    if (request.vm !== 'seen') return { allowed: false, desc: 'outside your VMs', hidden: true };
    if (request.command === 'console.input' || request.command === 'serial.input') {
      return { allowed: false, desc: 'viewers may not type into consoles' };
    }
    return { allowed: true };
  },
};

describe('CommandPipeline.authorizeConnection', () => {
  let dir: string;
  let store: EventStore;
  let registry: VmRegistry;
  const audited: CommandRecord[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipeline-connection-'));
    store = new EventStore(join(dir, 'events.db'), { maxEvents: 100, maxAgeMs: null });
    registry = new VmRegistry();
    for (const id of ['seen', 'unseen']) {
      registry.add(
        new VmSupervisor({
          id,
          origin: 'config',
          address: { path: join(dir, `${id}.sock`) },
          serialLogDir: join(dir, 'serial-logs', id),
          store,
          log: silentLogger(),
          onVm: () => {},
          onEvent: () => {},
          onInflight: () => {},
        }),
      );
    }
    audited.length = 0;
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pipeline = (policy?: CommandPolicy) =>
    new CommandPipeline({ registry, audit: { record: (entry) => audited.push(entry) }, policy });

  it('allows a viewer to watch but not to type, and audits the connection once with both answers', async () => {
    const decision = await pipeline(viewerPolicy).authorizeConnection(
      {
        vm: 'seen',
        action: 'console.view',
        actor,
        arguments: { console: 'vnc' },
        alsoDecide: ['console.input'],
      },
      { audit: true },
    );
    expect(decision).toEqual({ allowed: true, also: { 'console.input': false } });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      outcome: 'ok',
      error: null,
      request: {
        vm: 'seen',
        target: 'bridge',
        command: 'console.view',
        actor,
        arguments: { console: 'vnc', 'console.input': false },
      },
    });
  });

  it('lets everything through with the default policy', async () => {
    const decision = await pipeline().authorizeConnection(
      { vm: 'seen', action: 'console.view', actor, alsoDecide: ['serial.input'] },
      { audit: false },
    );
    expect(decision).toEqual({ allowed: true, also: { 'serial.input': true } });
    expect(audited).toEqual([]);
  });

  it('answers VmNotFound for a VM outside the scope, and for one that does not exist, and audits the refusal', async () => {
    const run = pipeline(viewerPolicy);
    await expect(
      run.authorizeConnection({ vm: 'unseen', action: 'console.view', actor }, { audit: true }),
    ).rejects.toMatchObject({ class: 'VmNotFound', status: 404 });
    await expect(
      run.authorizeConnection({ vm: 'nope', action: 'console.view', actor }, { audit: true }),
    ).rejects.toMatchObject({ class: 'VmNotFound', status: 404 });
    expect(audited.map((entry) => [entry.outcome, entry.error?.class])).toEqual([
      ['refused', 'VmNotFound'],
      ['error', 'VmNotFound'],
    ]);
  });

  it('returns a refusal as a decision (the caller says Forbidden or "view only"), audited as refused', async () => {
    const decision = await pipeline(viewerPolicy).authorizeConnection(
      { vm: 'seen', action: 'serial.input', actor },
      { audit: true },
    );
    expect(decision).toEqual({ allowed: false, desc: 'viewers may not type into consoles', also: {} });
    expect(audited[0]).toMatchObject({
      outcome: 'refused',
      error: { class: 'Forbidden', desc: 'viewers may not type into consoles' },
    });
  });

  it('refuses while the bridge stops', async () => {
    const run = pipeline();
    run.stopAccepting();
    await expect(
      run.authorizeConnection({ vm: 'seen', action: 'console.view', actor }, { audit: false }),
    ).rejects.toMatchObject({ class: 'ShuttingDown' });
  });

  it('says VmNotFound for a hidden VM on the command path too', async () => {
    await expect(
      pipeline(viewerPolicy).run({ vm: 'unseen', target: 'qmp', command: 'query-status', actor }),
    ).rejects.toMatchObject({ class: 'VmNotFound' });
  });
});
