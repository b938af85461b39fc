import type { AuditEntry } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { filterFromSearch, searchFromFilter } from './audit-filter.ts';
import {
  auditAction,
  auditArguments,
  auditDuration,
  auditFileName,
  auditJsonLines,
  auditOutcome,
  auditTime,
} from './audit-format.ts';

const entry = (change: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  time: 0,
  kind: 'command',
  user: 'ana',
  role: 'operator',
  remote: '127.0.0.1',
  client: 'c1',
  origin: 'Pause button',
  vm: 'alpha',
  target: 'qmp',
  command: 'stop',
  arguments: null,
  outcome: 'ok',
  error: null,
  durationMs: 3,
  ...change,
});

describe('audit formatting', () => {
  it('writes local time to the second', () => {
    const ms = new Date(2025, 2, 1, 14, 5, 9, 700).getTime();
    expect(auditTime(ms)).toBe('2025-03-01 14:05:09');
  });

  it('names the command, or what happened to the session', () => {
    expect(auditAction(entry({}))).toBe('stop');
    expect(auditAction(entry({ kind: 'sign-in', command: null }))).toBe('signed in');
    expect(auditAction(entry({ kind: 'sign-in-failed', command: null }))).toBe('failed sign-in');
    expect(auditAction(entry({ kind: 'sign-out', command: null }))).toBe('signed out');
  });

  it('shows arguments as one line of JSON, nothing when there are none', () => {
    expect(auditArguments(entry({ arguments: { device: 'cd0', force: true } }))).toBe(
      '{"device":"cd0","force":true}',
    );
    expect(auditArguments(entry({ arguments: {} }))).toBe('');
    expect(auditArguments(entry({ arguments: null }))).toBe('');
  });

  it('gives the outcome class, with the desc for the tooltip', () => {
    expect(auditOutcome(entry({}))).toEqual({ text: 'ok', detail: 'ok' });
    expect(auditOutcome(entry({ outcome: 'Forbidden', error: 'viewer may not run stop' }))).toEqual({
      text: 'Forbidden',
      detail: 'Forbidden: viewer may not run stop',
    });
  });

  it('says durations in ms below a second, in seconds above', () => {
    expect(auditDuration(null)).toBe('—');
    expect(auditDuration(3.4)).toBe('3 ms');
    expect(auditDuration(1234)).toBe('1.23 s');
    expect(auditDuration(61_000)).toBe('61.0 s');
  });

  it('exports one entry per line, exactly as received', () => {
    const entries = [entry({ id: 2 }), entry({ id: 1, kind: 'sign-in', command: null })];
    const lines = auditJsonLines(entries).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(entries);
    expect(auditJsonLines([])).toBe('');
  });

  it('names the export after its filters', () => {
    expect(auditFileName({ vm: '', user: '' })).toBe('audit.jsonl');
    expect(auditFileName({ vm: 'alpha', user: 'ana' })).toBe('audit-alpha-ana.jsonl');
    expect(auditFileName({ vm: '../x y', user: '' })).toBe('audit-.._x_y.jsonl');
  });
});

describe('audit filters in the address', () => {
  it('round-trips through the query string, leaving out what is empty', () => {
    expect(filterFromSearch('vm=alpha&user=ana')).toEqual({ vm: 'alpha', user: 'ana' });
    expect(filterFromSearch('')).toEqual({ vm: '', user: '' });
    expect(searchFromFilter({ vm: 'alpha', user: ' ' })).toBe('?vm=alpha');
    expect(searchFromFilter({ vm: '', user: '' })).toBe('');
    expect(filterFromSearch(searchFromFilter({ vm: 'a b', user: 'ä' }).slice(1))).toEqual({
      vm: 'a b',
      user: 'ä',
    });
  });
});
