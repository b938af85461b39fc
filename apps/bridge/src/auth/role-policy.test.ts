/** The default rules by class of command, and the config replacing a role's rule whole. */
import { policyAllows, type Role } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import type { CommandRequest } from '../commands/command-request.ts';
import { NOBODY } from './principal.ts';
import { RoleCommandPolicy } from './role-command-policy.ts';
import { DEFAULT_POLICY, effectivePolicies, VIEWER_DENIED_QUERIES } from './role-policy.ts';

/** command -> which roles may run it by default. */
const TABLE: [string, Role[]][] = [
  ['query-status', ['viewer', 'operator', 'admin']],
  ['query-qmp-schema', ['viewer', 'operator', 'admin']],
  ['query-block', ['viewer', 'operator', 'admin']],
  ['console.view', ['viewer', 'operator', 'admin']],
  ['query-chardev', ['operator', 'admin']],
  ['query-sev-launch-measure', ['operator', 'admin']],
  ['query-sgx-capabilities', ['operator', 'admin']],
  ['query-migrate-parameters', ['operator', 'admin']],
  ['stop', ['operator', 'admin']],
  ['cont', ['operator', 'admin']],
  ['system_reset', ['operator', 'admin']],
  ['quit', ['operator', 'admin']],
  ['eject', ['operator', 'admin']],
  ['send-key', ['operator', 'admin']],
  ['screendump', ['operator', 'admin']],
  ['vm.start', ['operator', 'admin']],
  ['vm.kill', ['operator', 'admin']],
  ['console.input', ['operator', 'admin']],
  ['guest-ping', ['operator', 'admin']],
  ['guest-get-osinfo', ['operator', 'admin']],
  ['guest-network-get-interfaces', ['operator', 'admin']],
  ['guest-exec', ['admin']],
  ['guest-file-open', ['admin']],
  ['guest-shutdown', ['admin']],
  ['human-monitor-command', ['admin']],
  ['device_add', ['admin']],
  ['device_del', ['admin']],
  ['blockdev-add', ['admin']],
  ['object-add', ['admin']],
  ['set_password', ['admin']],
  ['migrate', ['admin']],
  ['vm.delete', ['admin']],
  ['audit.read', ['admin']],
  ['hardware.read', ['viewer', 'operator', 'admin']],
  ['metrics.read', ['viewer', 'operator', 'admin']],
  ['set_link', ['operator', 'admin']],
  ['device.media', ['operator', 'admin']],
  ['device.disk-add', ['operator', 'admin']],
  ['device.nic-add', ['operator', 'admin']],
  ['device.nic-remove', ['operator', 'admin']],
  ['device.disk-remove', ['operator', 'admin']],
];

describe('the default policy', () => {
  it.each(TABLE)('%s is allowed to %j', (command, roles) => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      expect(policyAllows(DEFAULT_POLICY[role], command), `${role} ${command}`).toBe(roles.includes(role));
    }
  });

  it('denies viewers every query that shows host paths or secrets', () => {
    for (const query of VIEWER_DENIED_QUERIES) {
      const name = query.replace('*', '-anything');
      expect(policyAllows(DEFAULT_POLICY.viewer, name)).toBe(false);
      expect(policyAllows(DEFAULT_POLICY.operator, name)).toBe(true);
    }
  });

  it('lets a role given in the config replace its default rule whole, leaving the others', () => {
    const rules = effectivePolicies({ operator: { allow: ['query-*'] }, viewer: { deny: ['*'] } });
    expect(rules.operator).toEqual({ allow: ['query-*'], deny: [] });
    expect(policyAllows(rules.operator, 'stop')).toBe(false);
    expect(policyAllows(rules.operator, 'query-chardev')).toBe(true);
    expect(rules.viewer).toEqual({ allow: [], deny: ['*'] });
    expect(rules.admin).toEqual(DEFAULT_POLICY.admin);
  });

  it('answers a refusal naming the role and the command; nobody signed in (no users) may do everything', () => {
    const policy = new RoleCommandPolicy(DEFAULT_POLICY);
    const request = (role: Role | null, command: string): CommandRequest => ({
      vm: 'a',
      target: 'qmp',
      command,
      actor: { client: 'c1', user: null, origin: null },
      principal: role === null ? NOBODY : { ...NOBODY, user: { name: 'u', role }, via: 'token' },
    });
    expect(policy.decide(request('viewer', 'stop'))).toEqual({
      allowed: false,
      desc: 'role viewer may not run stop',
    });
    expect(policy.decide(request('operator', 'stop'))).toEqual({ allowed: true });
    expect(policy.decide(request(null, 'human-monitor-command'))).toEqual({ allowed: true });
    expect(policy.ruleFor(NOBODY)).toEqual({ allow: ['*'], deny: [] });
  });
});
