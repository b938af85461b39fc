import { describe, expect, it } from 'vitest';
import { NOBODY } from '../auth/principal.ts';
import { checkRequest, MAX_ARGUMENT_DEPTH, nestingDepth } from './check-request.ts';
import type { CommandRequest } from './command-request.ts';

const actor = { client: 'c1', user: null, origin: null };
const request = (overrides: Partial<CommandRequest>): CommandRequest => ({
  vm: 'a',
  target: 'qmp',
  command: 'query-status',
  actor,
  principal: NOBODY,
  ...overrides,
});

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('checkRequest', () => {
  it.each([
    ['qmp', 'query-status'],
    ['qmp', 'launch-missiles'],
    ['qmp', 'human-monitor-command'],
    ['qmp', 'x-debug-query-block-graph'],
    ['qmp', '__com.redhat_drive_add'],
    ['guest', 'guest-get-host-name'],
    ['bridge', 'vm.start'],
  ] as const)('accepts %s %s', (target, command) => {
    expect(() => checkRequest(request({ target, command }))).not.toThrow();
  });

  it.each([
    ['qmp', 'vm.start', /not a QMP command name/],
    ['qmp', 'query status', /not a QMP command name/],
    ['guest', 'query-status', /not a guest agent command \(they are named guest-\*\)/],
    ['bridge', 'quit', /not an action of the bridge/],
  ] as const)('refuses %s %s as BadRequest', (target, command, desc) => {
    expect(() => checkRequest(request({ target, command }))).toThrow(
      expect.objectContaining({ class: 'BadRequest', status: 400, desc: expect.stringMatching(desc) }),
    );
  });

  it(`accepts arguments ${MAX_ARGUMENT_DEPTH} levels deep and refuses one more, without recursion`, () => {
    expect(() => checkRequest(request({ arguments: nested(MAX_ARGUMENT_DEPTH) }))).not.toThrow();
    expect(() => checkRequest(request({ arguments: nested(MAX_ARGUMENT_DEPTH + 1) }))).toThrow(
      expect.objectContaining({
        class: 'BadRequest',
        desc: expect.stringMatching(/nested more than 64 levels/),
      }),
    );
    const hostile = JSON.parse(`${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`);
    expect(() => checkRequest(request({ arguments: hostile }))).toThrow(
      expect.objectContaining({ class: 'BadRequest' }),
    );
  });

  it('counts arrays and objects alike', () => {
    expect(nestingDepth(1)).toBe(0);
    expect(nestingDepth({})).toBe(1);
    expect(nestingDepth({ a: [{ b: 1 }] })).toBe(3);
  });
});
