/** Hour, day, week, month or year: a group of radio buttons that reads as one control. */
import { type MetricsRange, MetricsRange as Ranges } from '@qmpdeck/protocol';

const LABELS: Record<MetricsRange, string> = {
  hour: 'Hour',
  day: 'Day',
  week: 'Week',
  month: 'Month',
  year: 'Year',
};

export function RangePicker({
  value,
  onChange,
}: {
  value: MetricsRange;
  onChange(range: MetricsRange): void;
}) {
  return (
    <fieldset className="flex items-center gap-2">
      <legend className="sr-only">Time range</legend>
      <div className="inline-flex overflow-hidden rounded-md ring-1 ring-inset ring-zinc-300 dark:ring-zinc-700">
        {Ranges.options.map((range) => (
          <label
            key={range}
            className={`cursor-pointer px-2.5 py-1 text-sm has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-sky-600 ${range === value ? 'bg-sky-700 text-white dark:bg-sky-600' : 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800'}`}
          >
            <input
              type="radio"
              name="usage-range"
              value={range}
              checked={range === value}
              onChange={() => onChange(range)}
              className="sr-only"
            />
            {LABELS[range]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
