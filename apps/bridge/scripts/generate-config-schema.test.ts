import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_PATH, renderConfigSchema } from './generate-config-schema.ts';

describe('config.schema.json', () => {
  it('is current with the zod schema (run scripts/generate-config-schema.ts when this fails)', () => {
    expect(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')).toBe(renderConfigSchema());
  });

  it('rejects unknown fields, as the loader does', () => {
    const schema = JSON.parse(renderConfigSchema()) as { additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
  });
});
