/**
 * The audit log page (`/audit`): who did what to which VM and how it ended, newest first, filtered by VM and
 * user (the filters are in the address), "Load older" for the next page back, and Export: every entry matching
 * the filters as JSON lines, loading the pages not loaded yet first (as the timeline's export does).
 */
import { type FormEvent, useId, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { Button } from '../../ui/Button.tsx';
import { downloadText } from '../../ui/download.ts';
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { useVms } from '../overview/useVms.ts';
import { AuditTable } from './AuditTable.tsx';
import { filterFromSearch, searchFromFilter } from './audit-filter.ts';
import { auditFileName, auditJsonLines } from './audit-format.ts';
import { useAuditEntries } from './useAuditEntries.ts';

function countText(count: number, complete: boolean): string {
  const entries = count === 1 ? '1 entry' : `${count} entries`;
  return complete ? entries : `latest ${entries}`;
}

export default function AuditPage() {
  usePageTitle('Audit log');
  const filter = filterFromSearch(useSearch());
  const [, navigate] = useLocation();
  const audit = useAuditEntries(filter);
  const vms = useVms();
  const vmListId = useId();
  const [exporting, setExporting] = useState(false);

  const applyFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      `/audit${searchFromFilter({ vm: String(form.get('vm') ?? ''), user: String(form.get('user') ?? '') })}`,
    );
  };

  const exportAll = async () => {
    setExporting(true);
    try {
      const all = await audit.loadAll();
      if (all) downloadText(auditFileName(filter), auditJsonLines(all));
    } finally {
      setExporting(false);
    }
  };

  const input =
    'mt-0.5 w-40 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm font-normal dark:border-zinc-700 dark:bg-zinc-900';
  return (
    <main className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-col gap-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
        <h1 className="text-xl font-semibold">Audit log</h1>
        {/* Keyed by the filter in the address: back and forward show the filter they went to. */}
        <form
          key={`${filter.vm}\u0000${filter.user}`}
          onSubmit={applyFilter}
          aria-label="Audit filters"
          className="flex flex-wrap items-end gap-2"
        >
          <label className="flex flex-col text-xs text-zinc-600 dark:text-zinc-400">
            VM
            <input
              name="vm"
              defaultValue={filter.vm}
              list={vmListId}
              placeholder="every VM"
              className={input}
            />
          </label>
          <datalist id={vmListId}>
            {(vms.data ?? []).map((vm) => (
              <option key={vm.id} value={vm.id}>
                {vm.name}
              </option>
            ))}
          </datalist>
          <label className="flex flex-col text-xs text-zinc-600 dark:text-zinc-400">
            User
            <input name="user" defaultValue={filter.user} placeholder="everyone" className={input} />
          </label>
          <Button type="submit">Filter</Button>
          {(filter.vm || filter.user) && (
            <Button intent="quiet" onClick={() => navigate('/audit')}>
              Clear filters
            </Button>
          )}
          <span className="ml-auto self-center text-xs text-zinc-500 tabular-nums" aria-live="polite">
            {audit.isLoading ? 'Loading…' : countText(audit.entries.length, !audit.hasOlder)}
          </span>
          <Button
            onClick={() => void exportAll()}
            disabled={exporting || audit.denied !== null || audit.isLoading || audit.error !== null}
          >
            {exporting ? 'Exporting…' : 'Export JSON lines'}
          </Button>
        </form>
      </div>
      {audit.denied && (
        <p role="alert" className="p-4 text-sm">
          {audit.denied}.
        </p>
      )}
      {audit.error && (
        <p role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">
          Cannot read the audit log: {audit.error.class}: {audit.error.desc}
        </p>
      )}
      {!audit.isLoading && !audit.denied && !audit.error && audit.entries.length === 0 && (
        <p className="p-4 text-sm text-zinc-500">
          {filter.vm || filter.user ? 'No entry matches these filters.' : 'Nothing recorded yet.'}
        </p>
      )}
      {audit.entries.length > 0 && <AuditTable entries={audit.entries} />}
      {audit.hasOlder && (
        <div className="border-t border-zinc-200 p-2 text-center dark:border-zinc-800">
          <Button onClick={() => void audit.loadOlder()} disabled={audit.loadingOlder}>
            {audit.loadingOlder ? 'Loading older…' : 'Load older'}
          </Button>
        </div>
      )}
    </main>
  );
}
