/**
 * The VM page's tabs. Each is a link with its own URL (so it can be linked and
 * reloaded) that also carries tab semantics: a `tablist` of `tab`s with
 * `aria-selected`, one tab stop, arrow keys/Home/End moving between tabs and
 * Enter or Space opening the focused one, as the ARIA tabs pattern asks.
 */
import { type KeyboardEvent, useRef } from 'react';
import { Link } from 'wouter';

export const VM_TABS = [
  { id: 'timeline', label: 'Timeline', path: '' },
  { id: 'info', label: 'Info', path: '/info' },
  { id: 'commands', label: 'Commands', path: '/commands' },
  { id: 'console', label: 'Console', path: '/console' },
  { id: 'hardware', label: 'Hardware', path: '/hardware' },
  { id: 'usage', label: 'Usage', path: '/usage' },
  { id: 'qmp', label: 'QMP', path: '/qmp' },
  { id: 'tasks', label: 'Tasks', path: '/tasks' },
  { id: 'settings', label: 'Settings', path: '/settings' },
] as const;
export type VmTabId = (typeof VM_TABS)[number]['id'];

export const tabElementId = (tab: VmTabId) => `vm-tab-${tab}`;
export const TAB_PANEL_ID = 'vm-tab-panel';

/** Where focus goes from tab `index` on `key`, or null when the key is not a tab movement. */
export function tabIndexAfterKey(index: number, key: string, count: number): number | null {
  if (key === 'ArrowRight') return (index + 1) % count;
  if (key === 'ArrowLeft') return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

export function VmTabs({ vmId, current }: { vmId: string; current: VmTabId }) {
  const tabs = useRef<(HTMLAnchorElement | null)[]>([]);
  const onKeyDown = (index: number) => (event: KeyboardEvent<HTMLAnchorElement>) => {
    if (event.key === ' ') {
      // A link opens on Enter by itself; a tab is expected to open on Space too (not scroll the page).
      event.preventDefault();
      event.currentTarget.click();
      return;
    }
    const next = tabIndexAfterKey(index, event.key, VM_TABS.length);
    if (next === null) return;
    event.preventDefault();
    tabs.current[next]?.focus();
  };
  return (
    <nav aria-label="VM sections" className="border-b border-zinc-200 px-2 dark:border-zinc-800">
      <div role="tablist" aria-label="VM sections" className="flex gap-1 overflow-x-auto">
        {VM_TABS.map((tab, index) => {
          const selected = tab.id === current;
          return (
            <Link
              key={tab.id}
              ref={(element: HTMLAnchorElement | null) => {
                tabs.current[index] = element;
              }}
              id={tabElementId(tab.id)}
              href={`/vms/${encodeURIComponent(vmId)}${tab.path}`}
              role="tab"
              aria-selected={selected}
              aria-controls={selected ? TAB_PANEL_ID : undefined}
              tabIndex={selected ? 0 : -1}
              onKeyDown={onKeyDown(index)}
              className={`border-b-2 px-3 py-2 text-sm ${selected ? 'border-sky-600 font-medium text-sky-800 dark:text-sky-300' : 'border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'}`}
            >
              {tab.label}
            </Link>
          );
        })}
      </div>
    </nav>
  );
}
