/**
 * One storage location's files: name, size on disk, virtual size and format (qemu-img's), the VMs that use it,
 * when it changed, and Delete (confirmed; refused with the reason while a VM uses the file).
 */
import type { StorageFile } from '@qmpdeck/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { deleteStorageFile } from '../../api/storage.ts';
import { Button } from '../../ui/Button.tsx';
import { formatBytes } from '../../ui/bytes.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { usePermission } from '../session/usePermission.ts';
import { deleteBlockedReason } from './storage-files.ts';

function formatModified(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function StorageFilesTable({ storage, files }: { storage: string; files: readonly StorageFile[] }) {
  const can = usePermission();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<StorageFile | null>(null);
  const remove = useMutation<unknown, RequestError, StorageFile>({
    mutationFn: (file) => deleteStorageFile(storage, file.name),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.storageLocations() }),
  });
  if (files.length === 0) return <p className="px-3 py-2 text-sm text-zinc-500">No files yet.</p>;
  const cell = 'px-3 py-1.5 text-left align-baseline';
  return (
    <div className="overflow-x-auto">
      {remove.isError && remove.variables && (
        <p role="alert" className="px-3 py-1 text-sm text-red-700 dark:text-red-400">
          Cannot delete {remove.variables.name}: {remove.error.class}: {remove.error.desc}
        </p>
      )}
      <table className="w-full text-sm">
        <thead className="text-xs text-zinc-600 dark:text-zinc-400">
          <tr>
            <th className={cell}>Name</th>
            <th className={`${cell} text-right`}>Size</th>
            <th className={`${cell} text-right`}>Virtual size</th>
            <th className={cell}>Format</th>
            <th className={cell}>Used by</th>
            <th className={cell}>Modified</th>
            <th className={cell}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr
              key={file.name}
              className="border-t border-zinc-200 dark:border-zinc-800"
              data-testid="storage-file"
              data-file={file.name}
            >
              <td className={`${cell} font-mono text-xs break-all`}>{file.name}</td>
              <td className={`${cell} text-right tabular-nums`}>{formatBytes(file.size)}</td>
              <td className={`${cell} text-right tabular-nums`}>
                {file.virtualSize === null ? '—' : formatBytes(file.virtualSize)}
              </td>
              <td className={cell}>{file.format ?? '—'}</td>
              <td className={cell}>
                {file.usedBy.length === 0
                  ? '—'
                  : file.usedBy.map((vm, index) => (
                      <span key={vm}>
                        {index > 0 && ', '}
                        <Link
                          href={`/vms/${encodeURIComponent(vm)}`}
                          className="text-sky-800 hover:underline dark:text-sky-300"
                        >
                          {vm}
                        </Link>
                      </span>
                    ))}
              </td>
              <td className={`${cell} whitespace-nowrap`}>{formatModified(file.modified)}</td>
              <td className={cell}>
                <Button
                  size="small"
                  intent="danger"
                  aria-label={`Delete ${file.name}`}
                  disabled={remove.isPending && remove.variables?.name === file.name}
                  deniedReason={can('storage.delete').reason ?? deleteBlockedReason(file)}
                  onClick={() => setConfirming(file)}
                >
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={confirming !== null}
        title={`Delete ${confirming?.name ?? ''}?`}
        confirmLabel="Delete file"
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) remove.mutate(confirming);
          setConfirming(null);
        }}
      >
        <p>
          The file is removed from the storage location <span className="font-medium">{storage}</span>. This
          cannot be undone.
        </p>
        {confirming && <p className="mt-2 font-mono text-xs">{confirming.ref}</p>}
      </ConfirmDialog>
    </div>
  );
}
