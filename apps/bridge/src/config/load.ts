/**
 * Reads and validates the config file. Every problem becomes a ConfigError whose
 * message names the field (`vms[2].qmp.port: expected a number`), so main can
 * print it and exit 2 instead of showing a stack trace.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { BridgeConfig } from './schema.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfigFile(path: string): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return resolvePaths(parseConfig(json, path), dirname(resolve(path)));
}

/** Relative paths in a config file mean "next to the config file", whatever directory the bridge starts in. */
export function resolvePaths(config: BridgeConfig, base: string): BridgeConfig {
  const at = (path: string) => resolve(base, path);
  return {
    ...config,
    ...(config.database === undefined || config.database === ':memory:'
      ? {}
      : { database: at(config.database) }),
    vms: config.vms.map((vm) => ({
      ...vm,
      ...(vm.qmp?.socket === undefined ? {} : { qmp: { ...vm.qmp, socket: at(vm.qmp.socket) } }),
      ...(vm.qga === undefined || vm.qga === false ? {} : { qga: { ...vm.qga, socket: at(vm.qga.socket) } }),
      ...(vm.vnc === undefined || !('socket' in vm.vnc) ? {} : { vnc: { socket: at(vm.vnc.socket) } }),
      ...(vm.serial === undefined
        ? {}
        : { serial: vm.serial.map((port) => ({ ...port, socket: at(port.socket) })) }),
    })),
    ...(config.metrics?.database === undefined || config.metrics.database === ':memory:'
      ? {}
      : { metrics: { ...config.metrics, database: at(config.metrics.database) } }),
    ...(config.discover === undefined
      ? {}
      : { discover: config.discover.map((d) => ({ ...d, dir: at(d.dir) })) }),
    ...(config.qmpProxy === undefined || config.qmpProxy === false || config.qmpProxy.dir === undefined
      ? {}
      : { qmpProxy: { ...config.qmpProxy, dir: at(config.qmpProxy.dir) } }),
    ...(config.tls === undefined ? {} : { tls: { cert: at(config.tls.cert), key: at(config.tls.key) } }),
    ...(config.dataDir === undefined ? {} : { dataDir: at(config.dataDir) }),
    ...(config.runtimeDir === undefined ? {} : { runtimeDir: at(config.runtimeDir) }),
    ...(config.storage === undefined
      ? {}
      : { storage: config.storage.map((location) => ({ ...location, path: at(location.path) })) }),
    ...(config.uefi === undefined
      ? {}
      : {
          uefi: {
            ...(config.uefi.code === undefined ? {} : { code: at(config.uefi.code) }),
            ...(config.uefi.vars === undefined ? {} : { vars: at(config.uefi.vars) }),
          },
        }),
  };
}

export function parseConfig(json: unknown, source = 'config'): BridgeConfig {
  const result = BridgeConfig.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map(describeIssue);
    throw new ConfigError(`invalid ${source}:\n  ${lines.join('\n  ')}`);
  }
  const ids = new Set<string>();
  for (const [index, vm] of result.data.vms.entries()) {
    if (ids.has(vm.id))
      throw new ConfigError(`invalid ${source}:\n  vms[${index}].id: "${vm.id}" is used twice`);
    ids.add(vm.id);
  }
  const names = new Set<string>();
  for (const [index, user] of (result.data.users ?? []).entries()) {
    if (names.has(user.name))
      throw new ConfigError(`invalid ${source}:\n  users[${index}].name: "${user.name}" is used twice`);
    names.add(user.name);
  }
  const locations = new Set<string>();
  for (const [index, location] of (result.data.storage ?? []).entries()) {
    if (locations.has(location.id))
      throw new ConfigError(`invalid ${source}:\n  storage[${index}].id: "${location.id}" is used twice`);
    locations.add(location.id);
  }
  if (result.data.authProxy !== undefined && names.size === 0) {
    throw new ConfigError(
      `invalid ${source}:\n  authProxy: the proxy's user names are mapped to configured users; add "users"`,
    );
  }
  const proxyUser = result.data.qmpProxy === false ? undefined : result.data.qmpProxy?.user;
  if (proxyUser !== undefined && !names.has(proxyUser)) {
    // A name the policy cannot find would otherwise mean nobody's rights: all of them without users, none with.
    throw new ConfigError(
      `invalid ${source}:\n  qmpProxy.user: "${proxyUser}" is not a configured user; add it to "users" or leave qmpProxy.user out`,
    );
  }
  return result.data;
}

/** `vms[2].qmp.port: expected a number` */
export function describeIssue(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path)}: ${issueMessage(issue)}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod leaves the input out of issues; its message says whether the field was missing.
      return /received undefined$/.test(issue.message)
        ? `required (${article(issue.expected)})`
        : `expected ${article(issue.expected)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'array' || expected === 'object' || expected === 'int' || expected === 'integer') {
    return `an ${expected === 'int' ? 'integer' : expected}`;
  }
  return `a ${expected}`;
}
