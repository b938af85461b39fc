/**
 * The one question every control asks before offering a command: `can(command)` → `{ allowed, reason }`. The
 * action bar, the overview's quick and bulk actions, the command picker and form, the console and the Info tab
 * all ask here, so a role's limits show the same way everywhere.
 */
import { useCallback } from 'react';
import { type Permission, permissionFor } from './permission.ts';
import { useSession } from './useSession.ts';

export type Can = (command: string) => Permission;

export function usePermission(): Can {
  const { data } = useSession();
  const info = data?.signedIn ? data.info : undefined;
  return useCallback((command: string) => permissionFor(info, command), [info]);
}
