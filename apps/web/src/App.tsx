/**
 * The app's frame: top bar, connection banner, and the routes. The sign-in page stands alone; everything else
 * is behind the session gate, which also decides when the live socket opens (once someone is signed in).
 */
import { lazy, Suspense } from 'react';
import { Link, Route, Switch, useLocation, useSearch } from 'wouter';
import { isPopout, parseConsolePath } from './features/console/console-route.ts';
import { JobsIndicator } from './features/jobs/JobsIndicator.tsx';
import { useRunningCount } from './features/jobs/TaskLog.tsx';
import { OverviewPage } from './features/overview/OverviewPage.tsx';
import { SIGN_IN_PATH } from './features/session/next-path.ts';
import { SessionGate } from './features/session/SessionGate.tsx';
import SignInPage from './features/session/SignInPage.tsx';
import { UserMenu } from './features/session/UserMenu.tsx';
import { usePermission } from './features/session/usePermission.ts';
import { VM_TABS, type VmTabId } from './features/vm/VmTabs.tsx';
import { ConnectionBanner } from './live/ConnectionBanner.tsx';
import { LiveProvider } from './live/LiveProvider.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import { ThemeToggle } from './ui/ThemeToggle.tsx';

const TAB_IDS = new Set<string>(VM_TABS.map((tab) => tab.id));
// The VM page (timeline, virtual list) is its own chunk: the overview loads without it. So is the audit log,
// which most visits never open. The sign-in page is not: it is small, shows without a second request, and
// splitting it off made the bundler move everything it shares with the app into one more initial chunk.
const VmPage = lazy(() => import('./features/vm/VmPage.tsx'));
const AuditPage = lazy(() => import('./features/audit/AuditPage.tsx'));
const TasksPage = lazy(() => import('./features/jobs/TasksPage.tsx'));
// A console's pop-out window: the console alone, without the app's header and tabs.
const ConsolePopout = lazy(() =>
  import('./features/console/console-chunk.ts').then((m) => ({ default: m.ConsolePopout })),
);
// Making VMs and managing storage are occasional: their own chunks too.
const NewVmPage = lazy(() => import('./features/definition/NewVmPage.tsx'));
const StoragePage = lazy(() => import('./features/storage/StoragePage.tsx'));

function NotFound() {
  return (
    <main className="p-6 text-sm">
      <p>There is no page here.</p>
      <Link href="/" className="text-sky-700 underline dark:text-sky-400">
        Go to the overview
      </Link>
    </main>
  );
}

const LOADING = <p className="p-4 text-sm text-zinc-500">Loading…</p>;

function Header({ signedIn }: { signedIn: boolean }) {
  return (
    <header className="flex h-12 shrink-0 items-center justify-between gap-2 border-b border-zinc-200 px-3 dark:border-zinc-800">
      <nav aria-label="Main" className="flex min-w-0 items-baseline gap-4">
        <Link href="/" className="font-semibold tracking-tight">
          QMP Deck
        </Link>
        {signedIn && <StorageLink />}
        {signedIn && <TasksLink />}
        {signedIn && <AuditLink />}
      </nav>
      <div className="flex min-w-0 items-center gap-3">
        {signedIn && <JobsIndicator />}
        {signedIn && <UserMenu />}
        <ThemeToggle />
      </div>
    </header>
  );
}

function StorageLink() {
  const [location] = useLocation();
  return (
    <Link
      href="/storage"
      className="text-sm text-zinc-700 hover:underline aria-[current=page]:font-medium dark:text-zinc-300"
      aria-current={location === '/storage' ? 'page' : undefined}
    >
      Storage
    </Link>
  );
}

/** The task log of every VM, with how many jobs run now. */
function TasksLink() {
  const [location] = useLocation();
  const running = useRunningCount();
  return (
    <Link
      href="/tasks"
      className="text-sm text-zinc-700 hover:underline aria-[current=page]:font-medium dark:text-zinc-300"
      aria-current={location === '/tasks' ? 'page' : undefined}
    >
      Tasks
      {running > 0 ? (
        <span className="ml-1 rounded-full bg-sky-600 px-1.5 text-xs text-white" data-testid="running-tasks">
          {running}
        </span>
      ) : null}
    </Link>
  );
}

/** Only for roles that may read the audit log (everyone on a bridge without users). */
function AuditLink() {
  const can = usePermission();
  const [location] = useLocation();
  if (!can('audit.read').allowed) return null;
  return (
    <Link
      href="/audit"
      className="text-sm text-zinc-700 hover:underline aria-[current=page]:font-medium dark:text-zinc-300"
      aria-current={location === '/audit' ? 'page' : undefined}
    >
      Audit
    </Link>
  );
}

function SignedInRoutes() {
  return (
    <Switch>
      <Route path="/">
        <OverviewPage />
      </Route>
      <Route path="/audit">
        <AuditPage />
      </Route>
      <Route path="/storage">
        <StoragePage />
      </Route>
      <Route path="/tasks">
        <TasksPage />
      </Route>
      {/* Before /vms/:id, which would read "new" as a VM's id. */}
      <Route path="/vms/new">
        <NewVmPage />
      </Route>
      {/* Keyed by the VM: another VM's page starts fresh (no dialog or form state carried over from the last). */}
      <Route path="/vms/:id">{(params) => <VmPage key={params.id} vmId={params.id} tab="timeline" />}</Route>
      <Route path="/vms/:id/console/*">
        {(params) => <VmPage key={params.id} vmId={params.id} tab="console" />}
      </Route>
      <Route path="/vms/:id/:tab">
        {(params) =>
          TAB_IDS.has(params.tab) ? (
            <VmPage key={params.id} vmId={params.id} tab={params.tab as VmTabId} />
          ) : (
            <NotFound />
          )
        }
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

export function App() {
  const [location] = useLocation();
  const popout = isPopout(useSearch()) ? parseConsolePath(location) : null;
  return (
    <div className="flex h-dvh flex-col">
      <a href="#content" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <Switch>
        <Route path={SIGN_IN_PATH}>
          <Header signedIn={false} />
          <div id="content" className="flex min-h-0 flex-1 flex-col overflow-auto">
            <ErrorBoundary resetKey={location}>
              <Suspense fallback={LOADING}>
                <SignInPage />
              </Suspense>
            </ErrorBoundary>
          </div>
        </Route>
        <Route>
          <SessionGate>
            <LiveProvider>
              {popout ? (
                // A console's pop-out window: signed in like the rest, without the app's header and tabs.
                <Suspense fallback={LOADING}>
                  <ConsolePopout location={popout} />
                </Suspense>
              ) : (
                <>
                  <Header signedIn />
                  <ConnectionBanner />
                  <div id="content" className="flex min-h-0 flex-1 flex-col overflow-auto">
                    <ErrorBoundary resetKey={location}>
                      <Suspense fallback={LOADING}>
                        <SignedInRoutes />
                      </Suspense>
                    </ErrorBoundary>
                  </div>
                </>
              )}
            </LiveProvider>
          </SessionGate>
        </Route>
      </Switch>
    </div>
  );
}
