// Placeholder until scripts/generate-types.ts writes the real file.
export interface QmpCommands {
  'query-status': { args: Record<string, never>; returns: { running: boolean; singlestep: boolean; status: string } };
}
export interface QmpEvents {
  STOP: Record<string, never>;
}
