import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SchemaInfo } from '../src/schema/introspection.ts';
import { generateQapiTypes } from './qapi-to-ts.ts';

const schema = JSON.parse(
  readFileSync(new URL('../testdata/query-qmp-schema-7.2.json', import.meta.url), 'utf8'),
) as SchemaInfo[];

describe('generateQapiTypes', () => {
  const output = generateQapiTypes({ schema, source: 'test' });

  it('maps every command and event', () => {
    expect(output).toContain("'query-status': { args: Record<string, never>; returns: QueryStatusResult };");
    expect(output).toContain("'eject': { args: EjectArgs; returns: Record<string, never> };");
    expect(output).toContain('DEVICE_TRAY_MOVED: DeviceTrayMovedEvent;');
    expect(output).toMatch(/216 commands, 52 events/);
  });

  it('marks optional and deprecated members', () => {
    expect(output).toMatch(
      /export interface EjectArgs \{\n {2}\/\*\* @deprecated \*\/\n {2}device\?: string;/,
    );
  });

  it('renders flat unions as a base plus tagged branches', () => {
    expect(output).toMatch(/export type BlockdevAddArgs = BlockdevAddArgsBase & \(/);
    expect(output).toContain("| ({ driver: 'qcow2' } & BlockdevAddArgsQcow2)");
  });

  it('is what src/generated/qapi.ts holds, apart from the header', () => {
    const committed = readFileSync(path.join(import.meta.dirname, '../src/generated/qapi.ts'), 'utf8');
    const body = (text: string) => text.split('\n').slice(2).join('\n');
    expect(body(committed)).toBe(body(output));
  });
});
