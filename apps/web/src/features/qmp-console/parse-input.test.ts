import { describe, expect, it } from 'vitest';
import { completeCommand, parseConsoleInput } from './parse-input.ts';

describe('parseConsoleInput', () => {
  it('reads raw QMP JSON', () => {
    expect(parseConsoleInput('{"execute":"eject","arguments":{"device":"cd0"}}')).toEqual({
      ok: true,
      request: { execute: 'eject', arguments: { device: 'cd0' } },
    });
  });

  it('accepts a complete QMP message with its own id (the bridge uses its own, so it is not sent)', () => {
    expect(parseConsoleInput('{"execute":"query-status","id":"mine"}')).toEqual({
      ok: true,
      request: { execute: 'query-status' },
    });
    expect(parseConsoleInput('{"execute":"eject","arguments":{"device":"cd0"},"id":7}')).toEqual({
      ok: true,
      request: { execute: 'eject', arguments: { device: 'cd0' } },
    });
  });

  it('refuses JSON that is not a command, saying why', () => {
    expect(parseConsoleInput('{"exec":"x"}')).toMatchObject({ ok: false });
    expect(parseConsoleInput('{"execute":"x","control":1}')).toMatchObject({
      ok: false,
      error: expect.stringContaining('control'),
    });
    expect(parseConsoleInput('{"execute": ')).toMatchObject({
      ok: false,
      error: expect.stringContaining('JSON'),
    });
  });

  it('reads qmp-shell style, with JSON values, strings, quotes and dotted keys', () => {
    expect(parseConsoleInput('query-status')).toEqual({ ok: true, request: { execute: 'query-status' } });
    expect(
      parseConsoleInput(
        `blockdev-add driver=null-co node-name=n1 read-zeroes=true size=1024 cache.no-flush=true`,
      ),
    ).toEqual({
      ok: true,
      request: {
        execute: 'blockdev-add',
        arguments: {
          driver: 'null-co',
          'node-name': 'n1',
          'read-zeroes': true,
          size: 1024,
          cache: { 'no-flush': true },
        },
      },
    });
    expect(parseConsoleInput(`human-monitor-command command-line="info status"`)).toEqual({
      ok: true,
      request: { execute: 'human-monitor-command', arguments: { 'command-line': 'info status' } },
    });
    expect(parseConsoleInput(`x a={"b": [1, 2]} c='42'`)).toEqual({
      ok: true,
      request: { execute: 'x', arguments: { a: { b: [1, 2] }, c: '42' } },
    });
  });

  it('refuses malformed shell input', () => {
    expect(parseConsoleInput('eject device')).toMatchObject({ ok: false });
    expect(parseConsoleInput('eject a=1 a=2')).toMatchObject({ ok: false, error: 'a is given twice' });
    expect(parseConsoleInput('x a="open')).toMatchObject({ ok: false });
    expect(parseConsoleInput('   ')).toMatchObject({ ok: false });
  });
});

describe('completeCommand', () => {
  const names = ['query-status', 'query-block', 'query-blockstats', 'quit'];

  it('completes a unique name with a trailing space', () => {
    expect(completeCommand('qui', names)).toEqual({ text: 'quit ', matches: ['quit'] });
  });

  it('extends to the shared prefix of several', () => {
    expect(completeCommand('query-b', names)).toEqual({
      text: 'query-block',
      matches: ['query-block', 'query-blockstats'],
    });
  });

  it('leaves arguments alone', () => {
    expect(completeCommand('eject dev', names).matches).toEqual([]);
  });
});
