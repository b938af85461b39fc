import { describe, expect, it } from 'vitest';
import { timeoutClassOf, timeoutFor } from './timeouts.ts';

describe('command timeouts', () => {
  it.each([
    ['query-status', 'query', 5000],
    ['query-qmp-schema', 'schema', 60_000],
    ['stop', 'lifecycle', 60_000],
    ['eject', 'lifecycle', 60_000],
    ['migrate', 'jobs', 600_000],
    ['block-job-cancel', 'jobs', 600_000],
    ['human-monitor-command', 'default', 30_000],
  ])('%s is %s (%i ms)', (command, cls, ms) => {
    expect(timeoutClassOf(command)).toBe(cls);
    expect(timeoutFor(command, undefined)).toBe(ms);
  });

  it('lets the config and the call override', () => {
    const config = { query: 100, commands: { 'query-status': 50 } };
    expect(timeoutFor('query-cpus-fast', config)).toBe(100);
    expect(timeoutFor('query-status', config)).toBe(50);
    expect(timeoutFor('query-status', config, 7)).toBe(7);
  });
});
