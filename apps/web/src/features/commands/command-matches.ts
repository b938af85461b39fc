/** Which commands a search in the picker shows, best first: names that start with it, then names that contain it. */
export interface PickableCommand {
  name: string;
  deprecated?: boolean;
  experimental?: boolean;
  /** Why the signed-in role may not run it (the picker marks it and will not pick it); absent when it may. */
  deniedReason?: string | null;
}

export function matchCommands<T extends PickableCommand>(commands: readonly T[], query: string): T[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...commands];
  const starts: T[] = [];
  const contains: T[] = [];
  for (const command of commands) {
    const name = command.name.toLowerCase();
    if (name.startsWith(needle)) starts.push(command);
    else if (name.includes(needle)) contains.push(command);
  }
  return [...starts, ...contains];
}

/** "1 command matches", "3 commands match". */
export function matchCountText(count: number): string {
  return count === 1 ? '1 command matches' : `${count} commands match`;
}
