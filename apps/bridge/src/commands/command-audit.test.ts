/** The operator's log line per command: reads at debug, changes at info, refusals at warn. */
import { describe, expect, it } from 'vitest';
import { NOBODY } from '../auth/principal.ts';
import { captureLog, LEVEL } from '../testing/log-capture.ts';
import { type CommandRecord, LogAudit } from './command-audit.ts';
import type { CommandTarget } from './command-request.ts';

const record = (
  command: string,
  target: CommandTarget,
  outcome: CommandRecord['outcome'] = 'ok',
): CommandRecord => ({
  request: {
    vm: command === 'audit.read' ? null : 'alpha',
    target,
    command,
    actor: { client: 'c1', user: null, origin: null },
    principal: NOBODY,
  },
  arguments: null,
  outcome,
  error: outcome === 'ok' ? null : { class: 'Forbidden', desc: 'no' },
  durationMs: 1,
});

describe('LogAudit', () => {
  it('logs queries and the bridge reads at debug, what changes a VM at info, a refusal at warn', () => {
    const { log, lines } = captureLog('debug');
    const audit = new LogAudit(log);
    const cases: [CommandRecord, number][] = [
      [record('query-status', 'qmp'), LEVEL.debug],
      [record('hardware.read', 'bridge'), LEVEL.debug],
      [record('audit.read', 'bridge'), LEVEL.debug],
      [record('stop', 'qmp'), LEVEL.info],
      [record('device.nic-add', 'bridge'), LEVEL.info],
      [record('vm.start', 'bridge'), LEVEL.info],
      [record('hardware.read', 'bridge', 'refused'), LEVEL.warn],
    ];
    for (const [entry] of cases) audit.record(entry);
    expect(lines.map((line) => [line.command, line.level])).toEqual(
      cases.map(([entry, level]) => [entry.request.command, level]),
    );
  });
});
