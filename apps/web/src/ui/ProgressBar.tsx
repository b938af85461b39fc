/**
 * A determinate progress bar with the ARIA progressbar role (a screen reader says the percentage; tests read
 * `aria-valuenow`), or an indeterminate one while the total is unknown (no `aria-valuenow`, as ARIA asks).
 */
export interface ProgressBarProps {
  /** 0-100, or null while unknown. */
  percent: number | null;
  label: string;
  tone?: 'active' | 'done' | 'failed';
}

const TONES = {
  active: 'bg-sky-600 dark:bg-sky-500',
  done: 'bg-emerald-600 dark:bg-emerald-500',
  failed: 'bg-red-600 dark:bg-red-500',
};

export function ProgressBar({ percent, label, tone = 'active' }: ProgressBarProps) {
  const shown = percent === null ? null : Math.min(100, Math.max(0, Math.floor(percent)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={shown ?? undefined}
      className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
    >
      <div
        className={`h-full ${TONES[tone]} ${shown === null ? 'w-1/3 animate-pulse' : ''}`}
        style={shown === null ? undefined : { width: `${shown}%` }}
      />
    </div>
  );
}
