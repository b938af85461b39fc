/**
 * The schema-to-form mapping against a real QEMU: its own `query-qmp-schema`
 * becomes forms, what a person fills in becomes `arguments`, and QEMU accepts
 * them (or the form refuses before sending).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCommand, listCommands, type SchemaInfo } from '@qmpdeck/qmp/schema';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RealQemu, startRealQemu } from '../../test/real-qemu.ts';
import { CommandForm } from './CommandForm.tsx';
import { activeFields, buildArguments, type Draft, emptyDrafts, type ObjectType } from './form-model.ts';
import { commandForm } from './from-schema.ts';

let qemu: RealQemu;
let schema: SchemaInfo[];
let dir: string;

beforeAll(async () => {
  qemu = await startRealQemu([
    '-drive',
    'if=ide,media=cdrom,id=cd0',
    '-netdev',
    'user,id=net0',
    '-device',
    'e1000,netdev=net0,id=nic0',
  ]);
  schema = (await qemu.client.execute('query-qmp-schema')) as SchemaInfo[];
  dir = mkdtempSync(join(tmpdir(), 'qmpdeck-form-'));
}, 30_000);
afterAll(async () => {
  await qemu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(cleanup);

const formOf = (name: string) => commandForm(describeCommand(schema, name), schema);
const text = (value: string): Draft => ({ kind: 'text', text: value });

describe('schema to form', () => {
  it('offers every command of this QEMU', () => {
    const names = listCommands(schema).map((command) => command.name);
    expect(names).toContain('blockdev-change-medium');
    expect(names).toContain('query-status');
  });

  it('maps an enum to its values and refuses a missing required field before sending', () => {
    const form = formOf('blockdev-change-medium');
    const mode = form.fields.find((field) => field.name === 'read-only-mode');
    expect(mode?.type).toMatchObject({ kind: 'enum', values: ['retain', 'read-only', 'read-write'] });
    expect(mode?.optional).toBe(true);
    const result = buildArguments(form, emptyDrafts(form));
    expect(result).toEqual({ ok: false, errors: [{ path: 'filename', message: 'is required' }] });
  });

  it('refuses a malformed integer with the field named', () => {
    const form = formOf('balloon');
    const result = buildArguments(form, { value: text('12x') });
    expect(result).toEqual({ ok: false, errors: [{ path: 'value', message: 'must be a whole number' }] });
  });

  it('builds a flat union with a nested object that QEMU accepts', async () => {
    const form = formOf('blockdev-add');
    expect(form.union?.tag).toBe('driver');
    const drafts: Record<string, Draft> = {
      ...emptyDrafts(form),
      driver: text('null-co'),
      'node-name': text('scratch0'),
    };
    expect(activeFields(form, drafts).map((field) => field.name)).toContain('read-zeroes');
    const cache = drafts.cache;
    if (cache?.kind !== 'object') throw new Error('cache should be a nested object');
    drafts.cache = {
      ...cache,
      present: true,
      fields: { ...cache.fields, 'no-flush': { kind: 'bool', value: true } },
    };
    drafts['read-zeroes'] = { kind: 'bool', value: true };
    const built = buildArguments(form, drafts);
    expect(built).toEqual({
      ok: true,
      arguments: {
        driver: 'null-co',
        'node-name': 'scratch0',
        cache: { 'no-flush': true },
        'read-zeroes': true,
      },
    });
    if (!built.ok) return;
    // Sent untyped on purpose: the form's output is what is under test, not the generated types.
    await qemu.client.execute('blockdev-add' as string, built.arguments);
    const nodes = (await qemu.client.execute('query-named-block-nodes')) as { 'node-name': string }[];
    expect(nodes.map((node) => node['node-name'])).toContain('scratch0');
  });

  it('builds an array of alternates (a string or an object) that QEMU type-checks as valid', async () => {
    const form = formOf('block-dirty-bitmap-merge');
    const bitmaps = form.fields.find((field) => field.name === 'bitmaps');
    if (bitmaps?.type.kind !== 'array' || bitmaps.type.element.kind !== 'alternate') {
      throw new Error('bitmaps should be an array of alternates');
    }
    const [asString, asObject] = bitmaps.type.element.choices;
    expect(asString).toEqual({ kind: 'string' });
    expect(asObject?.kind).toBe('object');
    const objectDraft = emptyDrafts(asObject as ObjectType);
    const built = buildArguments(form, {
      node: text('disk0'),
      target: text('merged'),
      bitmaps: {
        kind: 'array',
        present: true,
        items: [
          { kind: 'alternate', choice: 0, value: text('b0') },
          {
            kind: 'alternate',
            choice: 1,
            value: {
              kind: 'object',
              present: true,
              fields: { ...objectDraft, node: text('disk1'), name: text('b1') },
            },
          },
        ],
      },
    });
    expect(built).toEqual({
      ok: true,
      arguments: { node: 'disk0', target: 'merged', bitmaps: ['b0', { node: 'disk1', name: 'b1' }] },
    });
    if (!built.ok) return;
    // QEMU accepts the shape and fails only on what does not exist: the node.
    await expect(
      qemu.client.execute('block-dirty-bitmap-merge' as string, built.arguments),
    ).rejects.toMatchObject({
      class: 'GenericError',
      desc: expect.stringMatching(/disk0/),
    });
  });

  it('maps arrays and alternates', () => {
    const form: ObjectType = formOf('block-set-write-threshold');
    expect(form.fields.map((f) => f.name)).toEqual(['node-name', 'write-threshold']);
    const alternates = listCommands(schema)
      .map((command) => commandForm(describeCommand(schema, command.name), schema))
      .flatMap((f) => f.fields)
      .filter((field) => field.type.kind === 'alternate');
    expect(alternates.length).toBeGreaterThan(0);
  });
});

describe('what the form sends is only what the person chose', () => {
  it('needs an explicit choice for a required boolean: set_link with only a name sends nothing', async () => {
    const form = formOf('set_link');
    const up = form.fields.find((field) => field.name === 'up');
    expect(up).toMatchObject({ optional: false, type: { kind: 'boolean' } });
    // No default: an unticked box used to send `up: false` and take the link down.
    expect(buildArguments(form, { ...emptyDrafts(form), name: text('nic0') })).toEqual({
      ok: false,
      errors: [{ path: 'up', message: 'needs a choice: true or false' }],
    });
    const built = buildArguments(form, { name: text('nic0'), up: { kind: 'bool', value: true } });
    expect(built).toEqual({ ok: true, arguments: { name: 'nic0', up: true } });
    if (built.ok)
      await expect(qemu.client.execute('set_link' as string, built.arguments)).resolves.toEqual({});
  });

  it('sends no optional alternate nobody set (qcow2 overlap-check, not `{}`)', () => {
    const form = formOf('blockdev-add');
    const drafts: Record<string, Draft> = {
      ...emptyDrafts(form),
      driver: text('qcow2'),
      'node-name': text('q0'),
    };
    const fields = activeFields(form, drafts);
    expect(fields.find((field) => field.name === 'overlap-check')?.optional).toBe(true);
    // The required `file` starts as a reference by name, not as a form of every block driver.
    const file = drafts.file;
    expect(file).toMatchObject({ kind: 'alternate', value: { kind: 'text' } });
    drafts.file = { kind: 'alternate', choice: (file as { choice: number }).choice, value: text('disk0') };
    expect(buildArguments(form, drafts)).toEqual({
      ok: true,
      arguments: { driver: 'qcow2', 'node-name': 'q0', file: 'disk0' },
    });
  });
});

describe('CommandForm', () => {
  it('blocks a required boolean until it is chosen, and says so', () => {
    const sent: unknown[] = [];
    render(
      <CommandForm name="set_link" form={formOf('set_link')} busy={false} onExecute={(a) => sent.push(a)} />,
    );
    fireEvent.change(screen.getByLabelText('name'), { target: { value: 'nic0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('up needs a choice: true or false');
    fireEvent.change(screen.getByLabelText('up'), { target: { value: 'false' } });
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([{ name: 'nic0', up: false }]);
  });

  it("gives blockdev-add's nested file a real form (define it here) that QEMU accepts", async () => {
    const image = join(dir, 'disk.qcow2');
    execFileSync('qemu-img', ['create', '-f', 'qcow2', image, '1M'], { stdio: 'ignore' });
    const sent: Record<string, unknown>[] = [];
    render(
      <CommandForm
        name="blockdev-add"
        form={formOf('blockdev-add')}
        busy={false}
        onExecute={(a) => sent.push(a ?? {})}
      />,
    );
    fireEvent.change(screen.getByLabelText('driver'), { target: { value: 'qcow2' } });
    fireEvent.change(screen.getByLabelText('node-name'), { target: { value: 'img0' } });
    const type = screen.getByLabelText('type of file') as HTMLSelectElement;
    const choices = [...type.options].map((option) => option.textContent);
    expect(choices).toEqual(['define it here (object)', 'reference by name (string)']);
    fireEvent.change(type, { target: { value: '0' } });
    const file = screen.getByRole('group', { name: /^file/ });
    fireEvent.change(within(file).getByLabelText('driver'), { target: { value: 'file' } });
    fireEvent.change(within(file).getByLabelText('filename'), { target: { value: image } });
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([
      { driver: 'qcow2', 'node-name': 'img0', file: { driver: 'file', filename: image } },
    ]);
    await qemu.client.execute('blockdev-add' as string, sent[0]);
    const nodes = (await qemu.client.execute('query-named-block-nodes')) as {
      'node-name': string;
      drv: string;
    }[];
    expect(nodes).toContainEqual(expect.objectContaining({ 'node-name': 'img0', drv: 'qcow2' }));
  });

  it("lets device_add take its driver's properties as extra key/value pairs, typed", async () => {
    const sent: Record<string, unknown>[] = [];
    render(
      <CommandForm
        name="device_add"
        form={formOf('device_add')}
        busy={false}
        onExecute={(a) => sent.push(a ?? {})}
      />,
    );
    fireEvent.change(screen.getByLabelText('driver'), { target: { value: 'e1000' } });
    fireEvent.change(screen.getByLabelText('id'), { target: { value: 'nic1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a property' }));
    fireEvent.change(screen.getByLabelText('property 1 name'), { target: { value: 'mac' } });
    fireEvent.change(screen.getByLabelText('property 1 value'), { target: { value: '52:54:00:12:34:99' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a property' }));
    fireEvent.change(screen.getByLabelText('property 2 name'), { target: { value: 'autonegotiation' } });
    fireEvent.change(screen.getByLabelText('property 2 type'), { target: { value: 'number' } });
    fireEvent.change(screen.getByLabelText('property 2 value'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('autonegotiation must be a number');
    fireEvent.change(screen.getByLabelText('property 2 type'), { target: { value: 'boolean' } });
    fireEvent.change(screen.getByLabelText('property 2 value'), { target: { value: 'true' } });
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([{ driver: 'e1000', id: 'nic1', mac: '52:54:00:12:34:99', autonegotiation: true }]);
    await qemu.client.execute('device_add', sent[0] as never);
    await expect(
      qemu.client.execute('qom-get', { path: '/machine/peripheral/nic1', property: 'mac' }),
    ).resolves.toBe('52:54:00:12:34:99');
  });

  it('labels each field with its argument name and sends what was filled in', async () => {
    const sent: unknown[] = [];
    render(
      <CommandForm name="eject" form={formOf('eject')} busy={false} onExecute={(args) => sent.push(args)} />,
    );
    fireEvent.change(screen.getByLabelText('device'), { target: { value: 'cd0' } });
    fireEvent.change(screen.getByLabelText('force'), { target: { value: 'true' } });
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([{ device: 'cd0', force: true }]);
    await expect(qemu.client.execute('eject', sent[0] as Record<string, unknown>)).resolves.toEqual({});
  });

  it('edits an array of alternates: add items, choose the type of each', () => {
    const sent: unknown[] = [];
    render(
      <CommandForm
        name="block-dirty-bitmap-merge"
        form={formOf('block-dirty-bitmap-merge')}
        busy={false}
        onExecute={(args) => sent.push(args)}
      />,
    );
    fireEvent.change(screen.getByLabelText('node'), { target: { value: 'disk0' } });
    fireEvent.change(screen.getByLabelText('target'), { target: { value: 'merged' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add to bitmaps' }));
    fireEvent.change(screen.getByLabelText('bitmaps[0]'), { target: { value: 'b0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add to bitmaps' }));
    fireEvent.change(screen.getByLabelText('type of bitmaps[1]'), { target: { value: '1' } });
    const [, itemNode] = screen.getAllByLabelText('node');
    fireEvent.change(itemNode as HTMLElement, { target: { value: 'disk1' } });
    fireEvent.change(screen.getByLabelText('name'), { target: { value: 'b1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([
      { node: 'disk0', target: 'merged', bitmaps: ['b0', { node: 'disk1', name: 'b1' }] },
    ]);
  });

  it('shows optional arguments at once, even a long list, and folds them on request', () => {
    render(
      <CommandForm name="blockdev-add" form={formOf('blockdev-add')} busy={false} onExecute={() => {}} />,
    );
    fireEvent.change(screen.getByLabelText('driver'), { target: { value: 'null-co' } });
    expect(screen.getByLabelText('node-name').tagName).toBe('INPUT');
    expect(screen.getByLabelText('read-zeroes').tagName).toBe('SELECT');
    fireEvent.click(screen.getByRole('button', { name: /Hide optional arguments \(\d+\)/ }));
    expect(screen.queryByLabelText('node-name')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /Show optional arguments \(\d+\)/ }));
    expect(screen.getByLabelText('node-name')).toBeTruthy();
  });

  it('shows field errors and sends nothing when the form is invalid', () => {
    const sent: unknown[] = [];
    render(
      <CommandForm
        name="blockdev-change-medium"
        form={formOf('blockdev-change-medium')}
        busy={false}
        onExecute={(args) => sent.push(args)}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(sent).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('filename is required');
    expect(screen.getByLabelText('read-only-mode').tagName).toBe('SELECT');
  });
});
