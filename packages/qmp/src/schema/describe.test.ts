import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeCommand,
  describeEvent,
  describeType,
  type Field,
  listCommands,
  listEvents,
} from './describe.ts';
import type { SchemaInfo } from './introspection.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../testdata/query-qmp-schema-7.2.json', import.meta.url), 'utf8'),
) as SchemaInfo[];

function field(fields: Field[], name: string): Field {
  const found = fields.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
}

describe('listCommands / listEvents', () => {
  it('lists the 216 commands of QEMU 7.2, sorted, with flags', () => {
    const commands = listCommands(schema);
    expect(commands).toHaveLength(216);
    expect(commands.map((c) => c.name)).toEqual(
      [...commands.map((c) => c.name)].sort((a, b) => a.localeCompare(b)),
    );
    expect(commands.find((c) => c.name === 'query-status')).toMatchObject({
      hasArgs: false,
      allowOob: false,
    });
    expect(commands.find((c) => c.name === 'eject')).toMatchObject({ hasArgs: true });
    expect(commands.filter((c) => c.allowOob).map((c) => c.name)).toEqual([
      'migrate-pause',
      'migrate-recover',
      'query-yank',
      'yank',
    ]);
    expect(commands.find((c) => c.name === 'drive-backup')).toMatchObject({ deprecated: true });
    expect(commands.find((c) => c.name === 'x-debug-query-block-graph')).toMatchObject({
      unstable: true,
      experimental: true,
    });
  });

  it('lists the 52 events', () => {
    const events = listEvents(schema);
    expect(events).toHaveLength(52);
    expect(events.map((e) => e.name)).toContain('DEVICE_TRAY_MOVED');
  });
});

describe('describeCommand', () => {
  it('describes optional builtin arguments with features (eject)', () => {
    const eject = describeCommand(schema, 'eject');
    expect(eject.args.map((f) => f.name)).toEqual(['device', 'id', 'force']);
    expect(field(eject.args, 'device')).toMatchObject({
      optional: true,
      deprecated: true,
      type: { kind: 'builtin', jsonType: 'string' },
    });
    expect(field(eject.args, 'force').type).toEqual({ kind: 'builtin', jsonType: 'boolean' });
    expect(eject.returns).toBeUndefined();
  });

  it('describes required arguments and enums (blockdev-change-medium)', () => {
    const command = describeCommand(schema, 'blockdev-change-medium');
    expect(field(command.args, 'filename')).toMatchObject({ optional: false, type: { kind: 'builtin' } });
    expect(field(command.args, 'read-only-mode').type).toMatchObject({
      kind: 'enum',
      values: ['retain', 'read-only', 'read-write'],
    });
  });

  it('describes an object result with an enum member (query-status)', () => {
    const { returns } = describeCommand(schema, 'query-status');
    expect(returns?.kind).toBe('object');
    if (returns?.kind !== 'object') return;
    expect(field(returns.fields, 'status').type).toMatchObject({ kind: 'enum' });
    expect(field(returns.fields, 'running').type).toEqual({ kind: 'builtin', jsonType: 'boolean' });
  });

  it('describes an array result (query-block)', () => {
    const { returns } = describeCommand(schema, 'query-block');
    expect(returns).toMatchObject({ kind: 'array', element: { kind: 'object' } });
  });

  it('describes a flat union argument (blockdev-add by driver) with alternates and recursion', () => {
    const command = describeCommand(schema, 'blockdev-add');
    expect(command.union?.tag).toBe('driver');
    expect(field(command.args, 'driver').type.kind).toBe('enum');
    const qcow2 = command.union?.variants.find((v) => v.case === 'qcow2');
    expect(qcow2).toBeDefined();
    const file = field(qcow2?.fields ?? [], 'file');
    expect(file.type.kind).toBe('alternate');
    if (file.type.kind !== 'alternate') return;
    // BlockdevRef: a node name (string) or a nested BlockdevOptions, which refers back to the union itself.
    expect(file.type.choices).toEqual(
      expect.arrayContaining([
        { kind: 'builtin', jsonType: 'string' },
        expect.objectContaining({ kind: 'recursive' }),
      ]),
    );
    const recursive = file.type.choices.find((c) => c.kind === 'recursive');
    if (recursive?.kind !== 'recursive') return;
    expect(describeType(schema, recursive.typeName)).toMatchObject({
      kind: 'object',
      union: { tag: 'driver' },
    });
  });

  it('describes arrays of arguments and oob commands (yank)', () => {
    const yank = describeCommand(schema, 'yank');
    expect(yank.allowOob).toBe(true);
    expect(field(yank.args, 'instances').type).toMatchObject({ kind: 'array', element: { kind: 'object' } });
  });

  it('marks experimental and unstable commands', () => {
    expect(describeCommand(schema, 'x-exit-preconfig')).toMatchObject({ experimental: true });
  });

  it('throws a clear error for an unknown command', () => {
    expect(() => describeCommand(schema, 'nope')).toThrow(/no command named nope/);
  });
});

describe('describeEvent', () => {
  it('describes DEVICE_TRAY_MOVED', () => {
    const event = describeEvent(schema, 'DEVICE_TRAY_MOVED');
    expect(event.fields.map((f) => f.name)).toEqual(['device', 'id', 'tray-open']);
    expect(field(event.fields, 'tray-open').type).toEqual({ kind: 'builtin', jsonType: 'boolean' });
  });

  it('describes an event without data (STOP)', () => {
    expect(describeEvent(schema, 'STOP').fields).toEqual([]);
  });
});
