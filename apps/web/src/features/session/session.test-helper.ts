/**
 * Sessions for component tests: what the bridge's `GET /api/session` answers, written into the test's query
 * cache the way the session gate leaves it, so controls ask `usePermission` as they do in the app.
 */
import type { SessionInfo } from '@qmpdeck/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys.ts';
import { NO_USERS, type SessionState, signedInAs } from '../../api/session.ts';

export const VIEWER: SessionInfo = {
  auth: true,
  user: { name: 'vic', role: 'viewer' },
  policy: { allow: ['query-*', 'qom-list', 'guest-info'], deny: ['query-vnc'] },
  vms: null,
  via: 'session',
};

export const OPERATOR: SessionInfo = {
  auth: true,
  user: { name: 'ana', role: 'operator' },
  policy: { allow: ['query-*', 'stop', 'cont', 'system_*', 'quit', 'vm.start', 'vm.kill'], deny: [] },
  vms: null,
  via: 'session',
};

export function seedSession(queryClient: QueryClient, info: SessionInfo = NO_USERS): QueryClient {
  queryClient.setQueryData<SessionState>(queryKeys.session(), signedInAs(info));
  return queryClient;
}
