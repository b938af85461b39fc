/**
 * The audit entries as a table (time, user, role, remote, VM, command, arguments, outcome, duration), newest
 * first. Virtualized: only the rows in view exist, placed in a body as tall as the whole log (the table, its
 * rows and cells laid out as grid and flex boxes, as TanStack Virtual's table example does), so a log of 100,000
 * entries scrolls like one of ten. Rows are one line high (long values truncated, whole in the tooltip), which
 * lets every row have the same height and spares measuring. The table keeps its semantics for screen readers:
 * `aria-rowcount` and each row's `aria-rowindex` say where in the whole log a row is.
 */
import type { AuditEntry } from '@qmpdeck/protocol';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import { auditAction, auditArguments, auditDuration, auditOutcome, auditTime } from './audit-format.ts';

export const AUDIT_ROW_HEIGHT = 33;

const COLUMNS = [
  { label: 'Time', width: 'w-40 shrink-0' },
  { label: 'User', width: 'w-28 shrink-0' },
  { label: 'Role', width: 'w-20 shrink-0' },
  { label: 'Remote', width: 'w-32 shrink-0' },
  { label: 'VM', width: 'w-28 shrink-0' },
  { label: 'Command', width: 'w-48 shrink-0' },
  { label: 'Arguments', width: 'min-w-0 flex-1' },
  { label: 'Outcome', width: 'w-32 shrink-0' },
  { label: 'Duration', width: 'w-20 shrink-0' },
] as const;
const width = (index: number) => COLUMNS[index]?.width ?? '';

const cell = 'truncate px-2 py-1.5 text-left';

const AuditRow = memo(function AuditRow({
  entry,
  index,
  start,
}: {
  entry: AuditEntry;
  index: number;
  start: number;
}) {
  const outcome = auditOutcome(entry);
  const args = auditArguments(entry);
  const action = auditAction(entry);
  const failed = entry.outcome !== 'ok';
  const commandTitle = entry.origin
    ? `${action} (from ${entry.origin}${entry.client ? `, client ${entry.client}` : ''})`
    : action;
  const outcomeColour = failed ? 'text-red-700 dark:text-red-400' : 'text-emerald-700 dark:text-emerald-400';
  return (
    <tr
      aria-rowindex={index + 2}
      data-testid="audit-entry"
      className="absolute left-0 top-0 flex w-full items-center border-b border-zinc-100 dark:border-zinc-800/80"
      style={{ height: AUDIT_ROW_HEIGHT, transform: `translateY(${start}px)` }}
    >
      <td
        className={`${cell} ${width(0)} font-mono text-xs tabular-nums`}
        title={new Date(entry.time).toISOString()}
      >
        {auditTime(entry.time)}
      </td>
      <td className={`${cell} ${width(1)}`} title={entry.user ?? undefined}>
        {entry.user ?? '—'}
      </td>
      <td className={`${cell} ${width(2)}`}>{entry.role ?? '—'}</td>
      <td className={`${cell} ${width(3)} font-mono text-xs`} title={entry.remote ?? undefined}>
        {entry.remote ?? '—'}
      </td>
      <td className={`${cell} ${width(4)}`} title={entry.vm ?? undefined}>
        {entry.vm ?? '—'}
      </td>
      <td className={`${cell} ${width(5)} font-mono text-xs`} title={commandTitle}>
        {action}
      </td>
      <td
        className={`${cell} ${width(6)} font-mono text-xs text-zinc-600 dark:text-zinc-400`}
        title={args || undefined}
      >
        {args}
      </td>
      <td className={`${cell} ${width(7)} ${outcomeColour}`} title={outcome.detail}>
        {outcome.text}
      </td>
      <td className={`${cell} ${width(8)} text-right tabular-nums`}>{auditDuration(entry.durationMs)}</td>
    </tr>
  );
});

export function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => AUDIT_ROW_HEIGHT,
    getItemKey: (index) => entries[index]?.id ?? index,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  return (
    <div ref={scrollRef} className="min-h-0 flex-1 overflow-auto" data-testid="audit-scroll">
      <table className="grid min-w-[64rem] text-sm" aria-label="Audit log" aria-rowcount={entries.length + 1}>
        <thead className="sticky top-0 z-10 grid bg-zinc-50 text-xs text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
          <tr aria-rowindex={1} className="flex w-full border-b border-zinc-200 dark:border-zinc-800">
            {COLUMNS.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={`${cell} ${column.width} font-medium ${column.label === 'Duration' ? 'text-right' : ''}`}
              >
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="relative grid" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const entry = entries[item.index];
            return entry ? (
              <AuditRow key={item.key} entry={entry} index={item.index} start={item.start} />
            ) : null;
          })}
        </tbody>
      </table>
    </div>
  );
}
