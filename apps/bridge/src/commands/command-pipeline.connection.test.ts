/**
 * Connection-level actions (`console.view`, `console.input`, `serial.input`) pass the pipeline's
 * `authorizeConnection`: the VM is resolved with the caller's scope, the default role policy decides, a VM out of
 * scope reads as not found, and the audit keeps one record per connection with what it may do. Nothing here
 * reaches QEMU, so no QEMU runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { RoleCommandPolicy } from '../auth/role-command-policy.ts';
import { DEFAULT_POLICY } from '../auth/role-policy.ts';
import { EventStore } from '../events/event-store.ts';
import { silentLogger } from '../log.ts';
import { VmRegistry } from '../vms/vm-registry.ts';
import { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { CommandRecord } from './command-audit.ts';
import { CommandPipeline } from './command-pipeline.ts';
import type { CommandPolicy } from './command-policy.ts';

const actor = { client: 'console-1', user: 'vera', origin: 'console', remote: '127.0.0.1' };

/** A viewer whose scope is VM "seen" only. */
const vera: Principal = {
  user: { name: 'vera', role: 'viewer' },
  vms: ['seen'],
  via: 'token',
  sessionKey: null,
};
/** An operator of every VM. */
const otto: Principal = {
  user: { name: 'otto', role: 'operator' },
  vms: null,
  via: 'token',
  sessionKey: null,
};
const roles = new RoleCommandPolicy(DEFAULT_POLICY);

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
    const decision = await pipeline(roles).authorizeConnection(
      {
        vm: 'seen',
        action: 'console.view',
        actor,
        principal: vera,
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

  it('lets an operator type', async () => {
    const decision = await pipeline(roles).authorizeConnection(
      {
        vm: 'seen',
        action: 'console.view',
        actor,
        principal: otto,
        alsoDecide: ['serial.input', 'console.input'],
      },
      { audit: false },
    );
    expect(decision).toEqual({ allowed: true, also: { 'serial.input': true, 'console.input': true } });
    expect(audited).toEqual([]);
  });

  it('answers VmNotFound for a VM outside the scope, and for one that does not exist, and audits the refusal', async () => {
    const run = pipeline(roles);
    const outOfScope = run.authorizeConnection(
      { vm: 'unseen', action: 'console.view', actor, principal: vera },
      { audit: true },
    );
    await expect(outOfScope).rejects.toMatchObject({ class: 'VmNotFound', status: 404 });
    const missing = run.authorizeConnection(
      { vm: 'nope', action: 'console.view', actor, principal: vera },
      { audit: true },
    );
    await expect(missing).rejects.toMatchObject({ class: 'VmNotFound', status: 404 });
    const [unseenError, nopeError] = await Promise.all([outOfScope.catch((e) => e), missing.catch((e) => e)]);
    expect(unseenError.message.replace('unseen', 'nope')).toBe(nopeError.message);
    expect(audited.map((entry) => [entry.outcome, entry.error?.class])).toEqual([
      ['error', 'VmNotFound'],
      ['error', 'VmNotFound'],
    ]);
  });

  it('returns a refusal as a decision (the caller says Forbidden or "view only"), audited as refused', async () => {
    const decision = await pipeline(roles).authorizeConnection(
      { vm: 'seen', action: 'serial.input', actor, principal: vera },
      { audit: true },
    );
    expect(decision).toEqual({ allowed: false, desc: 'role viewer may not run serial.input', also: {} });
    expect(audited[0]).toMatchObject({
      outcome: 'refused',
      error: { class: 'Forbidden', desc: 'role viewer may not run serial.input' },
    });
  });

  it('refuses while the bridge stops', async () => {
    const run = pipeline();
    run.stopAccepting();
    await expect(
      run.authorizeConnection(
        { vm: 'seen', action: 'console.view', actor, principal: otto },
        { audit: false },
      ),
    ).rejects.toMatchObject({ class: 'ShuttingDown' });
  });

  it('says VmNotFound for a VM out of scope on the command path too', async () => {
    await expect(
      pipeline(roles).run({ vm: 'unseen', target: 'qmp', command: 'query-status', actor, principal: vera }),
    ).rejects.toMatchObject({ class: 'VmNotFound' });
  });
});
