/**
 * Writes src/config/config.schema.json from the zod schema, so editors can
 * validate and complete config files. Run: node --import tsx scripts/generate-config-schema.ts
 * (a test fails when the committed file is out of date).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BridgeConfig } from '../src/config/schema.ts';

export const CONFIG_SCHEMA_PATH = fileURLToPath(new URL('../src/config/config.schema.json', import.meta.url));

export function renderConfigSchema(): string {
  const schema = z.toJSONSchema(BridgeConfig, { io: 'input' });
  return `${JSON.stringify({ ...schema, title: 'QMP Deck bridge configuration' }, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(CONFIG_SCHEMA_PATH, renderConfigSchema());
  console.log(`wrote ${CONFIG_SCHEMA_PATH}`);
}
