/** `/tasks`: the task log of every VM the person may see (and the storage transfers). */
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { TaskLog } from './TaskLog.tsx';

export default function TasksPage() {
  usePageTitle('Tasks');
  return (
    <main className="flex min-h-0 flex-1 flex-col overflow-auto">
      <h1 className="px-3 py-2 text-lg font-semibold">Tasks</h1>
      <TaskLog vm={null} />
    </main>
  );
}
