/**
 * Upload a file into a storage location, with a real progress bar (the bytes the browser has sent) and the
 * bridge's refusals in words: a name that is not a plain file name (checked here with the protocol's own rule
 * before anything is sent, and by the bridge again), a file over the bridge's limit (413), a file that exists
 * (409, offered to replace). Not a <form>: it also sits inside the New VM form, and forms do not nest.
 */
import { StorageFileName, type StorageLocation } from '@qmpdeck/protocol';
import { type KeyboardEvent, useId, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { formatBytes } from '../../ui/bytes.ts';
import { ProgressBar } from '../../ui/ProgressBar.tsx';
import { usePermission } from '../session/usePermission.ts';
import { useUpload } from './useUpload.ts';

export interface UploadPanelProps {
  /** Where the file may go (the first is chosen). */
  locations: readonly StorageLocation[];
  /** The file chooser's filter, e.g. ".iso". */
  accept?: string;
  /** Once stored: the file as definitions name it. */
  onUploaded?(file: { storage: string; name: string; ref: string }): void;
}

/** The protocol's rule for a file name, in the page's words; null when the name may be used. */
export function fileNameProblem(name: string): string | null {
  if (name === '') return 'Choose a file, or type the name to store it as';
  const parsed = StorageFileName.safeParse(name);
  return parsed.success
    ? null
    : `"${name}" is not a plain file name: no "/", "\\" or ".." (and at most 255 bytes)`;
}

export function UploadPanel({ locations, accept, onUploaded }: UploadPanelProps) {
  const can = usePermission();
  const upload = useUpload();
  const ids = { file: useId(), name: useId(), storage: useId(), error: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [storage, setStorage] = useState(locations[0]?.id ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const { state } = upload;
  const sending = state.phase === 'sending';

  const send = async (overwrite = false) => {
    const nameProblem = fileNameProblem(name);
    setProblem(nameProblem ?? (file ? null : 'Choose a file to upload'));
    if (nameProblem || !file || !storage) return;
    if (await upload.start({ storage, name, file, overwrite })) {
      onUploaded?.({ storage, name, ref: `${storage}:${name}` });
    }
  };
  // Enter in the name field uploads; it must not submit a form this panel sits in.
  const onNameKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    if (!sending) void send();
  };

  const field = 'flex flex-col gap-0.5 text-xs text-zinc-600 dark:text-zinc-400';
  const input =
    'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';
  const error = problem ?? (state.phase === 'failed' ? `${state.error.class}: ${state.error.desc}` : null);
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">Upload a file</legend>
      <div className="flex flex-wrap items-end gap-2">
        <label className={field} htmlFor={ids.file}>
          File
          <input
            id={ids.file}
            type="file"
            accept={accept}
            disabled={sending}
            className="text-sm"
            onChange={(event) => {
              const chosen = event.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen) setName(chosen.name);
              setProblem(null);
              upload.reset();
            }}
          />
        </label>
        <label className={field} htmlFor={ids.name}>
          Save as
          <input
            id={ids.name}
            value={name}
            disabled={sending}
            aria-invalid={problem !== null}
            aria-describedby={error ? ids.error : undefined}
            onChange={(event) => {
              setName(event.target.value);
              setProblem(null);
            }}
            onKeyDown={onNameKey}
            className={`${input} w-56`}
          />
        </label>
        {locations.length > 1 && (
          <label className={field} htmlFor={ids.storage}>
            Into
            <select
              id={ids.storage}
              value={storage}
              disabled={sending}
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
        {sending ? (
          <Button onClick={upload.cancel}>Cancel upload</Button>
        ) : (
          <Button intent="primary" deniedReason={can('storage.upload').reason} onClick={() => void send()}>
            Upload
          </Button>
        )}
      </div>
      {state.phase === 'sending' && (
        <div className="flex flex-col gap-1" data-testid="upload-progress">
          <ProgressBar
            percent={state.total > 0 ? (100 * state.loaded) / state.total : null}
            label={`Uploading ${state.name}`}
          />
          <span className="text-xs tabular-nums text-zinc-600 dark:text-zinc-400">
            {formatBytes(state.loaded)} of {formatBytes(state.total)} sent
          </span>
        </div>
      )}
      {state.phase === 'done' && (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          Uploaded {state.name} to {state.storage}
        </p>
      )}
      {error && (
        <p id={ids.error} role="alert" className="text-sm text-red-700 dark:text-red-400">
          Upload refused: {error}
        </p>
      )}
      {state.phase === 'failed' && state.error.class === 'FileExists' && (
        <div>
          <Button intent="danger" deniedReason={can('storage.upload').reason} onClick={() => void send(true)}>
            Replace {state.name}
          </Button>
        </div>
      )}
    </fieldset>
  );
}
