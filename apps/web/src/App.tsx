/** The app's frame: top bar, connection banner, and the routes. */
import { lazy, Suspense } from 'react';
import { Link, Route, Switch, useLocation, useSearch } from 'wouter';
import { isPopout, parseConsolePath } from './features/console/console-route.ts';
import { OverviewPage } from './features/overview/OverviewPage.tsx';
import { VM_TABS, type VmTabId } from './features/vm/VmTabs.tsx';
import { ConnectionBanner } from './live/ConnectionBanner.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import { ThemeToggle } from './ui/ThemeToggle.tsx';

const TAB_IDS = new Set<string>(VM_TABS.map((tab) => tab.id));
// The VM page (timeline, virtual list) is its own chunk: the overview loads without it.
const VmPage = lazy(() => import('./features/vm/VmPage.tsx'));
// A console's pop-out window: the console alone, without the app's header and tabs.
const ConsolePopout = lazy(() =>
  import('./features/console/console-chunk.ts').then((m) => ({ default: m.ConsolePopout })),
);

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

export function App() {
  const [location] = useLocation();
  const popout = isPopout(useSearch()) ? parseConsolePath(location) : null;
  if (popout) {
    return (
      <Suspense fallback={<p className="p-4 text-sm text-zinc-500">Loading…</p>}>
        <ConsolePopout location={popout} />
      </Suspense>
    );
  }
  return (
    <div className="flex h-dvh flex-col">
      <a href="#content" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <header className="flex h-12 shrink-0 items-center justify-between gap-2 border-b border-zinc-200 px-3 dark:border-zinc-800">
        <Link href="/" className="font-semibold tracking-tight">
          QMP Deck
        </Link>
        <ThemeToggle />
      </header>
      <ConnectionBanner />
      <div id="content" className="flex min-h-0 flex-1 flex-col overflow-auto">
        <ErrorBoundary resetKey={location}>
          <Suspense fallback={<p className="p-4 text-sm text-zinc-500">Loading…</p>}>
            <Switch>
              <Route path="/">
                <OverviewPage />
              </Route>
              <Route path="/vms/:id">{(params) => <VmPage vmId={params.id} tab="timeline" />}</Route>
              <Route path="/vms/:id/console/*">{(params) => <VmPage vmId={params.id} tab="console" />}</Route>
              <Route path="/vms/:id/:tab">
                {(params) =>
                  TAB_IDS.has(params.tab) ? (
                    <VmPage vmId={params.id} tab={params.tab as VmTabId} />
                  ) : (
                    <NotFound />
                  )
                }
              </Route>
              <Route>
                <NotFound />
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </div>
    </div>
  );
}
