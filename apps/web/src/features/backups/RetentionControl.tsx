/** The VM's retention rule: keep its last N backups (or all). Setting it removes those beyond it at once. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { fetchRetention, setRetention } from '../../api/jobs.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { Button } from '../../ui/Button.tsx';
import { usePermission } from '../session/usePermission.ts';

export function RetentionControl({ vmId, onChanged }: { vmId: string; onChanged(): void }) {
  const can = usePermission();
  const rule = useQuery({ queryKey: queryKeys.backupRetention(vmId), queryFn: () => fetchRetention(vmId) });
  const [keep, setKeep] = useState('');
  useEffect(() => {
    if (rule.data) setKeep(rule.data.keep === null ? '' : String(rule.data.keep));
  }, [rule.data]);
  const save = useMutation({
    mutationFn: () => setRetention(vmId, keep === '' ? null : Number(keep)),
    onSuccess: () => {
      rule.refetch();
      onChanged();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2 text-xs">
      <label className="flex items-center gap-1">
        Keep the last
        <input
          type="number"
          min={1}
          value={keep}
          placeholder="all"
          onChange={(event) => setKeep(event.target.value)}
          className="w-16 rounded border border-zinc-300 px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
        />
        backups
      </label>
      <Button type="submit" size="small" deniedReason={can('backup.delete').reason} disabled={save.isPending}>
        Save
      </Button>
      {save.error ? <span className="text-red-700 dark:text-red-300">{save.error.message}</span> : null}
    </form>
  );
}
