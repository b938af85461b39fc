/**
 * The header's "who is signed in": name and role ("ana · operator") and Sign out, which ends the session on the
 * server, forgets everything this tab held, and goes to the sign-in page. Nothing shows on a bridge without
 * users: there is nobody to be and nothing to sign out of.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { type SessionState, SIGNED_OUT, signOut } from '../../api/session.ts';
import { Button } from '../../ui/Button.tsx';
import { SIGN_IN_PATH } from './next-path.ts';
import { useSession } from './useSession.ts';

export function UserMenu() {
  const { data } = useSession();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const out = useMutation<void, RequestError>({
    mutationFn: signOut,
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData<SessionState>(queryKeys.session(), SIGNED_OUT);
      navigate(SIGN_IN_PATH, { replace: true });
    },
  });
  const user = data?.signedIn ? data.info.user : null;
  if (!user) return null;
  return (
    <div className="flex min-w-0 items-center gap-2 text-sm">
      <span className="min-w-0 truncate" data-testid="signed-in-user">
        <span className="sr-only">Signed in as </span>
        <span className="font-medium">{user.name}</span>
        <span className="text-zinc-500 dark:text-zinc-400"> · {user.role}</span>
      </span>
      <Button size="small" onClick={() => out.mutate()} disabled={out.isPending}>
        Sign out
      </Button>
      {out.isError && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          Not signed out: {out.error.class}: {out.error.desc}
        </span>
      )}
    </div>
  );
}
