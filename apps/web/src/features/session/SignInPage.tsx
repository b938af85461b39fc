/**
 * The sign-in page: name and password, "Sign in", and afterwards back to where the person was going (`?next=`).
 * The password lives in the password field and the request body only: the fields are not React state, the
 * request is not a mutation (whose variables would keep it), and the field is emptied once the bridge answered.
 * Wrong credentials and too many attempts (429, with the wait) are said in words, read out by screen readers.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Redirect, useSearch } from 'wouter';
import { queryKeys } from '../../api/queryKeys.ts';
import { type RequestError, toRequestError } from '../../api/request-error.ts';
import { type SessionState, signedInAs, signIn } from '../../api/session.ts';
import { forgetAllButSession } from '../../api/session-cache.ts';
import { Button } from '../../ui/Button.tsx';
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { useSecondsUntil } from '../../ui/useSecondsUntil.ts';
import { safeNextPath } from './next-path.ts';
import { useSession } from './useSession.ts';

type Attempt =
  | { state: 'idle' }
  | { state: 'sending' }
  | { state: 'rejected' }
  | { state: 'throttled'; until: number | null }
  | { state: 'failed'; error: RequestError };

function waitWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function Problem({ attempt, secondsLeft }: { attempt: Attempt; secondsLeft: number | null }) {
  if (attempt.state === 'rejected') return <>Wrong name or password.</>;
  if (attempt.state === 'throttled') {
    if (secondsLeft === null) return <>Too many failed sign-ins. Wait a while before trying again.</>;
    if (secondsLeft === 0) return <>Too many failed sign-ins earlier. You can try again now.</>;
    return <>Too many failed sign-ins. Try again in {waitWords(secondsLeft)}.</>;
  }
  if (attempt.state === 'failed') {
    return (
      <>
        Cannot sign in: {attempt.error.class}: {attempt.error.desc}
      </>
    );
  }
  return null;
}

export default function SignInPage() {
  usePageTitle('Sign in');
  const session = useSession();
  const queryClient = useQueryClient();
  const next = safeNextPath(new URLSearchParams(useSearch()).get('next'));
  const [attempt, setAttempt] = useState<Attempt>({ state: 'idle' });
  const secondsLeft = useSecondsUntil(attempt.state === 'throttled' ? attempt.until : null);
  const password = useRef<HTMLInputElement>(null);
  const nameId = useId();
  const passwordId = useId();
  const problemId = useId();

  // Already in (or a bridge without users, where there is nothing to sign in to): go on.
  if (session.data?.signedIn) return <Redirect to={next} replace />;

  const waiting = attempt.state === 'throttled' && secondsLeft !== null && secondsLeft > 0;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (attempt.state === 'sending' || waiting) return;
    const form = new FormData(event.currentTarget);
    setAttempt({ state: 'sending' });
    try {
      const outcome = await signIn(String(form.get('name') ?? ''), String(form.get('password') ?? ''));
      if (outcome.ok) {
        forgetAllButSession(queryClient);
        // Signed in: the page renders its redirect to `next` (below), once.
        queryClient.setQueryData<SessionState>(queryKeys.session(), signedInAs(outcome.info));
        return;
      }
      setAttempt(
        outcome.reason === 'throttled'
          ? {
              state: 'throttled',
              until:
                outcome.retryAfterSeconds === null ? null : Date.now() + outcome.retryAfterSeconds * 1000,
            }
          : { state: 'rejected' },
      );
      password.current?.focus();
    } catch (error) {
      setAttempt({ state: 'failed', error: toRequestError(error) });
    } finally {
      if (password.current) password.current.value = '';
    }
  };

  const problem = attempt.state !== 'idle' && attempt.state !== 'sending';
  const field =
    'mt-1 rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm font-normal dark:border-zinc-700 dark:bg-zinc-900';
  return (
    <main className="flex flex-1 items-start justify-center p-4 sm:items-center">
      <form
        onSubmit={(event) => void submit(event)}
        aria-labelledby={`${nameId}-title`}
        aria-describedby={problem ? problemId : undefined}
        className="flex w-full max-w-sm flex-col gap-3 rounded-lg border border-zinc-200 p-5 dark:border-zinc-800"
      >
        <h1 id={`${nameId}-title`} className="text-xl font-semibold">
          Sign in
        </h1>
        <label htmlFor={nameId} className="flex flex-col text-sm font-medium">
          Name
          <input
            id={nameId}
            name="name"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            // biome-ignore lint/a11y/noAutofocus: the page exists to type a name; focus belongs there
            autoFocus
            className={field}
          />
        </label>
        <label htmlFor={passwordId} className="flex flex-col text-sm font-medium">
          Password
          <input
            ref={password}
            id={passwordId}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={attempt.state === 'rejected' || undefined}
            className={field}
          />
        </label>
        <p id={problemId} role="alert" className="min-h-5 text-sm text-red-700 dark:text-red-400">
          <Problem attempt={attempt} secondsLeft={secondsLeft} />
        </p>
        <Button type="submit" intent="primary" disabled={attempt.state === 'sending' || waiting}>
          {attempt.state === 'sending' ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </main>
  );
}
