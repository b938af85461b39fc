/**
 * Fuzz: the config loader on random JSON, on mutations of valid configs and on the bytes of a config file (cut
 * short, invalid UTF-8, huge number literals). It answers a config that holds the loader's promises, or a
 * `ConfigError` whose message names what is wrong; never another exception. Valid configs are always accepted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { anyJson, asParsed, encoded, mutated } from '../../../../testing/fuzz/json-inputs.ts';
import { runFuzz } from '../../../../testing/fuzz/run-fuzz.ts';
import { fuzzPlan, fuzzTimeoutMs } from '../../../../testing/fuzz/settings.ts';
import { ConfigError, loadConfigFile, parseConfig } from './load.ts';
import { BridgeConfig } from './schema.ts';

const PASSWORD_HASH = `scrypt:16384:8:1:${Buffer.alloc(16, 1).toString('base64')}:${Buffer.alloc(64, 2).toString('base64')}`;
const TOKEN_HASH = `sha256:${'ab'.repeat(32)}`;

const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
const path = fc.constantFrom('/run/qemu/a.qmp', 'relative/b.sock', './c.sock', '../d', 'e');
const ms = fc.integer({ min: 1, max: 86_400_000 });

const validVm = fc.oneof(
  fc.record({ id, qmp: fc.record({ socket: path }) }, { requiredKeys: ['id', 'qmp'] }),
  fc.record({
    id,
    name: fc.string({ minLength: 1, maxLength: 20 }),
    qmp: fc.record({ host: fc.constantFrom('127.0.0.1', 'h'), port: fc.integer({ min: 1, max: 65535 }) }),
  }),
  fc.record(
    {
      id,
      launch: fc.record(
        { args: fc.array(fc.string()), autostart: fc.boolean(), binary: fc.constant('qemu-system-x86_64') },
        { requiredKeys: ['args'] },
      ),
      qga: fc.oneof(fc.constant(false as const), fc.record({ socket: path })),
    },
    { requiredKeys: ['id', 'launch'] },
  ),
);

const validUser = fc.oneof(
  fc.record(
    {
      name: id,
      role: fc.constantFrom('viewer', 'operator', 'admin'),
      token: fc.string({ minLength: 16, maxLength: 40 }),
      passwordHash: fc.constant(PASSWORD_HASH),
      vms: fc.array(fc.constantFrom('web-*', 'db', '*', '?x'), { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: ['name', 'role', 'token'] },
  ),
  fc.record({
    name: id,
    role: fc.constantFrom('viewer', 'operator', 'admin'),
    tokenHash: fc.constant(TOKEN_HASH),
  }),
  fc.record({
    name: id,
    role: fc.constantFrom('viewer', 'operator', 'admin'),
    passwordHash: fc.constant(PASSWORD_HASH),
  }),
);

const range = fc.constantFrom(
  '127.0.0.1',
  '127.0.0.1/32',
  '10.0.0.0/8',
  '::1',
  'fd00::/8',
  '::ffff:10.0.0.0/104',
);
const rule = fc.record(
  {
    allow: fc.array(fc.constantFrom('query-*', 'stop', '*')),
    deny: fc.array(fc.constantFrom('query-chardev', 'quit')),
  },
  { requiredKeys: [] },
);

/** Configs the loader must accept: every field, each optional one present or not, ids and names unique. */
const validConfig = fc
  .record(
    {
      vms: fc.uniqueArray(validVm, { selector: (vm) => vm.id, maxLength: 4 }),
      users: fc.uniqueArray(validUser, { selector: (user) => user.name, minLength: 1, maxLength: 3 }),
      discover: fc.array(
        fc.record({ dir: path, pattern: fc.constantFrom('*', '*.qmp') }, { requiredKeys: ['dir'] }),
        { maxLength: 2 },
      ),
      database: fc.constantFrom(':memory:', 'events.db', '/var/lib/qmpdeck/events.db'),
      host: fc.constantFrom('127.0.0.1', '::1', '0.0.0.0'),
      port: fc.integer({ min: 0, max: 65535 }),
      logLevel: fc.constantFrom('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
      timeouts: fc.record(
        {
          query: ms,
          lifecycle: ms,
          schema: ms,
          jobs: ms,
          default: ms,
          commands: fc.dictionary(fc.string({ minLength: 1 }), ms, { maxKeys: 2 }),
        },
        { requiredKeys: [] },
      ),
      retention: fc.record(
        {
          maxEvents: fc.integer({ min: 1, max: 1e9 }),
          maxAgeDays: fc.double({ min: 0.001, max: 1e4, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
      allowedOrigins: fc.array(fc.constantFrom('https://deck.example', 'http://localhost:5173')),
      allowedHosts: fc.array(fc.constantFrom('deck.example', '10.0.0.5')),
      policy: fc.record({ viewer: rule, operator: rule, admin: rule }, { requiredKeys: [] }),
      authProxy: fc.record({
        userHeader: fc.constantFrom('Remote-User', 'X-Forwarded-User'),
        trustedProxies: fc.array(range, { minLength: 1, maxLength: 3 }),
      }),
      tls: fc.record({ cert: path, key: path }),
      trustProxy: fc.oneof(fc.boolean(), fc.array(range, { minLength: 1, maxLength: 2 })),
      session: fc.record(
        { idleMinutes: fc.integer({ min: 1, max: 525_600 }), maxHours: fc.integer({ min: 1, max: 8760 }) },
        { requiredKeys: [] },
      ),
      audit: fc.record(
        { maxAgeDays: fc.integer({ min: 1, max: 3650 }), maxEntries: fc.integer({ min: 1, max: 1e7 }) },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  )
  // A proxy's names map to configured users: authProxy without users is refused, so a valid config has both.
  .map((config) =>
    config.authProxy !== undefined && config.users === undefined
      ? { ...config, authProxy: undefined }
      : config,
  )
  .map((config) => JSON.parse(JSON.stringify(config)) as unknown);

type ConfigInput = { kind: 'valid' | 'mutated' | 'random'; value: unknown };

const configInput: fc.Arbitrary<ConfigInput> = fc.oneof(
  { arbitrary: validConfig.map((value) => ({ kind: 'valid' as const, value })), weight: 1 },
  { arbitrary: mutated(validConfig).map((value) => ({ kind: 'mutated' as const, value })), weight: 4 },
  { arbitrary: anyJson(4).map((value) => ({ kind: 'random' as const, value })), weight: 1 },
);

/** As parseConfig sees it: what JSON.parse made of the file's text. */
const parsedConfigInput = configInput.map(({ kind, value }) => ({ kind, value: asParsed(value) }));

/** What the loader promises of a config it returns, checked without its own schema where that is possible. */
function expectSoundConfig(config: BridgeConfig): void {
  expect(BridgeConfig.safeParse(config).success).toBe(true);
  const ids = config.vms.map((vm) => vm.id);
  expect(new Set(ids).size).toBe(ids.length);
  const names = (config.users ?? []).map((user) => user.name);
  expect(new Set(names).size).toBe(names.length);
  if (config.authProxy !== undefined) expect(names.length).toBeGreaterThan(0);
}

/** A refusal names the file and says what is wrong with it. */
function expectConfigError(err: unknown, source: string): void {
  if (!(err instanceof ConfigError)) throw err;
  expect(err.message).toContain(source);
  expect(err.message.length).toBeGreaterThan(source.length + 8);
}

describe('config loader fuzz', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const parsePlan = fuzzPlan('config');
  it(
    'parseConfig: a sound config or a ConfigError, and every valid config accepted',
    async () => {
      const mutatedOutcomes = { accepted: 0, refused: 0 };
      await runFuzz(
        parsePlan,
        parsedConfigInput,
        ({ kind, value }) => {
          let config: BridgeConfig;
          try {
            config = parseConfig(value, 'fuzz.json');
          } catch (err) {
            expectConfigError(err, 'fuzz.json');
            if (kind === 'valid') throw new Error(`a valid config was refused: ${(err as Error).message}`);
            if (kind === 'mutated') mutatedOutcomes.refused++;
            return;
          }
          expectSoundConfig(config);
          if (kind === 'mutated') mutatedOutcomes.accepted++;
        },
        { property: 'parseConfig' },
      );
      // Mutations reach both sides of the validation, or the fuzzer only ever tests the first check.
      expect(mutatedOutcomes.accepted).toBeGreaterThan(0);
      expect(mutatedOutcomes.refused).toBeGreaterThan(mutatedOutcomes.accepted);
    },
    fuzzTimeoutMs(parsePlan),
  );

  const filePlan = { ...parsePlan, runsPerSeed: Math.ceil(parsePlan.runsPerSeed / 4) };
  it(
    'loadConfigFile: the bytes of a file, mutated, give a config with absolute paths or a ConfigError',
    async () => {
      const file = join(dir, 'config.json');
      await runFuzz(
        filePlan,
        encoded(configInput.map((input) => input.value)),
        (bytes) => {
          writeFileSync(file, bytes);
          let config: BridgeConfig;
          try {
            config = loadConfigFile(file);
          } catch (err) {
            expectConfigError(err, file);
            return;
          }
          expectSoundConfig(config);
          for (const vm of config.vms) {
            if (vm.qmp?.socket !== undefined) expect(isAbsolute(vm.qmp.socket)).toBe(true);
            if (vm.qga) expect(isAbsolute(vm.qga.socket)).toBe(true);
          }
          if (config.tls) expect(isAbsolute(config.tls.cert) && isAbsolute(config.tls.key)).toBe(true);
        },
        { property: 'loadConfigFile' },
      );
    },
    fuzzTimeoutMs(filePlan),
  );
});
