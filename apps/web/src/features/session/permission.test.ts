import type { SessionInfo } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { NO_USERS } from '../../api/session.ts';
import { permissionFor, UNKNOWN_SESSION_REASON } from './permission.ts';

const viewer: SessionInfo = {
  auth: true,
  user: { name: 'vic', role: 'viewer' },
  policy: { allow: ['query-*', 'vm.view'], deny: ['query-vnc'] },
  vms: null,
  via: 'session',
};

describe('permissionFor', () => {
  it('allows what an allow glob names', () => {
    expect(permissionFor(viewer, 'query-status')).toEqual({ allowed: true, reason: null });
  });

  it('refuses what no allow glob names, saying the role', () => {
    expect(permissionFor(viewer, 'stop')).toEqual({
      allowed: false,
      reason: 'Your role (viewer) may not run stop',
    });
    expect(permissionFor(viewer, 'vm.kill').reason).toBe('Your role (viewer) may not kill VMs');
    expect(permissionFor(viewer, 'audit.read').reason).toBe('Your role (viewer) may not read the audit log');
    expect(permissionFor(viewer, 'backup.create').reason).toBe(
      'Your role (viewer) may not use backup.create',
    );
  });

  it('lets deny win over allow', () => {
    expect(permissionFor(viewer, 'query-vnc').allowed).toBe(false);
  });

  it('allows everything on a bridge without users', () => {
    for (const command of ['quit', 'human-monitor-command', 'vm.kill', 'guest-exec', 'audit.read'])
      expect(permissionFor(NO_USERS, command).allowed).toBe(true);
  });

  it('offers nothing while the session is not known', () => {
    expect(permissionFor(undefined, 'query-status')).toEqual({
      allowed: false,
      reason: UNKNOWN_SESSION_REASON,
    });
  });
});
