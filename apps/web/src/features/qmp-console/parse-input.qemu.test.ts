/**
 * The console types `key=value` by the command's own schema, read from a real QEMU: what it sends is what
 * QEMU's types call for, and QEMU's answer shows it (a string where QEMU wants one, a number where it wants one).
 */
import type { SchemaInfo } from '@qmpdeck/qmp/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealQemu, startRealQemu } from '../../test/real-qemu.ts';
import { formsOf } from '../commands/from-schema.ts';
import { type FormOf, parseConsoleInput } from './parse-input.ts';

let qemu: RealQemu;
let formOf: FormOf;

beforeAll(async () => {
  qemu = await startRealQemu(['-netdev', 'user,id=net0', '-device', 'e1000,netdev=net0,id=nic0']);
  formOf = formsOf((await qemu.client.execute('query-qmp-schema')) as SchemaInfo[]);
}, 30_000);
afterAll(() => qemu?.stop());

const parse = (line: string) => parseConsoleInput(line, formOf);

describe('console key=value typed by the schema', () => {
  it('keeps name=1 a string where the schema says str, and QEMU takes it as a name', async () => {
    const parsed = parse('set_link name=1 up=true');
    expect(parsed).toEqual({
      ok: true,
      request: { execute: 'set_link', arguments: { name: '1', up: true } },
    });
    if (!parsed.ok) return;
    // A number would be refused for its type; the string "1" is looked up as a device name.
    await expect(qemu.client.execute('set_link', parsed.request.arguments as never)).rejects.toMatchObject({
      class: 'DeviceNotFound',
    });
    await expect(qemu.client.execute('set_link', { name: 'nic0', up: true })).resolves.toEqual({});
  });

  it('makes numbers of int and booleans of bool, through nested and self-containing members', () => {
    expect(
      parse('blockdev-add driver=null-co node-name=7 size=1024 read-zeroes=true cache.no-flush=true'),
    ).toEqual({
      ok: true,
      request: {
        execute: 'blockdev-add',
        arguments: {
          driver: 'null-co',
          'node-name': '7',
          size: 1024,
          'read-zeroes': true,
          cache: { 'no-flush': true },
        },
      },
    });
    expect(
      parse('blockdev-add driver=qcow2 node-name=q file.driver=file file.filename=/tmp/1'),
    ).toMatchObject({
      ok: true,
      request: { arguments: { file: { driver: 'file', filename: '/tmp/1' } } },
    });
    expect(parse('blockdev-add driver=qcow2 node-name=q file=disk0')).toMatchObject({
      ok: true,
      request: { arguments: { file: 'disk0' } },
    });
  });

  it('says which value does not fit its type, before anything is sent', () => {
    expect(parse('set_link name=nic0 up=yes')).toEqual({ ok: false, error: 'up must be true or false' });
    expect(parse('balloon value=12x')).toEqual({ ok: false, error: 'value must be a whole number' });
    // A member the schema does not have is read as JSON or a string, and QEMU says what it thinks of it.
    expect(parse('balloon value=1 extra=2')).toEqual({
      ok: true,
      request: { execute: 'balloon', arguments: { value: 1, extra: 2 } },
    });
  });
});
