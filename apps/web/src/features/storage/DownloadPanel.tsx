/**
 * Have the bridge fetch a URL into a storage location (an installer ISO, a cloud image): the bridge answers
 * with a job at once, and its progress comes over the socket. Not a <form>, like the upload panel.
 */
import type { Job, StorageLocation } from '@qmpdeck/protocol';
import { DownloadRequest } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useState } from 'react';
import type { RequestError } from '../../api/request-error.ts';
import { downloadToStorage } from '../../api/storage.ts';
import { Button } from '../../ui/Button.tsx';
import { fieldErrorsFromIssues } from '../definition/field-errors.ts';
import { JobProgress } from '../jobs/JobProgress.tsx';
import { useJob } from '../jobs/useJob.ts';
import { usePermission } from '../session/usePermission.ts';
import { nameFromUrl } from './storage-files.ts';

export function DownloadPanel({ locations }: { locations: readonly StorageLocation[] }) {
  const can = usePermission();
  const ids = { url: useId(), name: useId(), storage: useId(), error: useId() };
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [nameTyped, setNameTyped] = useState(false);
  const [storage, setStorage] = useState(locations[0]?.id ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const download = useMutation<Job, RequestError, { storage: string; request: DownloadRequest }>({
    mutationFn: ({ storage: id, request }) => downloadToStorage(id, request),
  });
  // The answer's job, then as the socket keeps it.
  const started = download.data;
  const live = useJob(started?.id ?? null);
  const job = live ?? started;

  const send = () => {
    const parsed = DownloadRequest.safeParse({ url: url.trim(), name: name.trim() });
    if (!parsed.success) {
      const errors = fieldErrorsFromIssues(parsed.error.issues);
      setProblem(
        Object.entries(errors.fields)
          .map(([key, message]) => `${key === 'url' ? 'URL' : 'Name'}: ${message}`)
          .concat(errors.general)
          .join('; '),
      );
      return;
    }
    setProblem(null);
    download.mutate({ storage, request: parsed.data });
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    send();
  };

  const field = 'flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400';
  const input =
    'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';
  const error = problem ?? (download.error ? `${download.error.class}: ${download.error.desc}` : null);
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">Download from a URL</legend>
      <div className="flex flex-wrap items-end gap-2">
        <label className={`${field} min-w-64 flex-1`} htmlFor={ids.url}>
          URL
          <input
            id={ids.url}
            type="url"
            value={url}
            placeholder="https://…/debian-12.iso"
            onChange={(event) => {
              setUrl(event.target.value);
              if (!nameTyped) setName(nameFromUrl(event.target.value));
            }}
            onKeyDown={onKey}
            className={input}
          />
        </label>
        <label className={field} htmlFor={ids.name}>
          Save as
          <input
            id={ids.name}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setNameTyped(true);
            }}
            onKeyDown={onKey}
            className={`${input} w-56`}
          />
        </label>
        {locations.length > 1 && (
          <label className={field} htmlFor={ids.storage}>
            Into
            <select
              id={ids.storage}
              value={storage}
              onChange={(event) => setStorage(event.target.value)}
              className={input}
            >
              {locations.map((location) => (
                <option key={location.id} value={location.id}>
                  {location.id}
                </option>
              ))}
            </select>
          </label>
        )}
        <Button
          intent="primary"
          disabled={download.isPending}
          deniedReason={can('storage.download').reason}
          onClick={send}
        >
          Download
        </Button>
      </div>
      {job && <JobProgress job={job} title={job.description ?? `Download of ${name}`} />}
      {error && (
        <p id={ids.error} role="alert" className="text-sm text-red-700 dark:text-red-400">
          Download refused: {error}
        </p>
      )}
    </fieldset>
  );
}
