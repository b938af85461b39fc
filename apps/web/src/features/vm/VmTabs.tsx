/** The VM page's tabs; each has its own URL so it can be linked and reloaded. */
import { Link } from 'wouter';

export const VM_TABS = [
  { id: 'timeline', label: 'Timeline', path: '' },
  { id: 'info', label: 'Info', path: '/info' },
  { id: 'commands', label: 'Commands', path: '/commands' },
  { id: 'console', label: 'Console', path: '/console' },
] as const;
export type VmTabId = (typeof VM_TABS)[number]['id'];

export function VmTabs({ vmId, current }: { vmId: string; current: VmTabId }) {
  return (
    <nav
      aria-label="VM sections"
      className="flex gap-1 overflow-x-auto border-b border-zinc-200 px-2 dark:border-zinc-800"
    >
      {VM_TABS.map((tab) => (
        <Link
          key={tab.id}
          href={`/vms/${encodeURIComponent(vmId)}${tab.path}`}
          aria-current={tab.id === current ? 'page' : undefined}
          className={`border-b-2 px-3 py-2 text-sm ${tab.id === current ? 'border-sky-600 font-medium text-sky-800 dark:text-sky-300' : 'border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'}`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
