/**
 * Cancel for a running job (a download, a clone's disk copy), offered only while the bridge says the job can
 * be cancelled, and only to a role that may control jobs (else disabled with the reason). The job's own `job`
 * message then shows it cancelled; a refusal is said beside the button.
 */
import type { Job } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import { controlJob } from '../../api/jobs.ts';
import type { RequestError } from '../../api/request-error.ts';
import { Button } from '../../ui/Button.tsx';
import { usePermission } from '../session/usePermission.ts';
import { jobTitle } from './job-words.ts';

/** Whether the job can be cancelled now, as the bridge said in its `can`. */
export function cancellable(job: Job): boolean {
  return (job.status === 'running' || job.status === 'paused') && job.can?.cancel === true;
}

export function CancelJobButton({ job }: { job: Job }) {
  const can = usePermission();
  const cancel = useMutation<unknown, RequestError, string>({ mutationFn: (id) => controlJob(id, 'cancel') });
  if (!cancellable(job)) return null;
  return (
    <span className="flex items-center gap-2">
      <Button
        size="small"
        aria-label={`Cancel ${jobTitle(job)}`}
        disabled={cancel.isPending}
        deniedReason={can('job.control').reason}
        onClick={() => cancel.mutate(job.id)}
      >
        Cancel
      </Button>
      {cancel.isError && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {cancel.error.class}: {cancel.error.desc}
        </span>
      )}
    </span>
  );
}
