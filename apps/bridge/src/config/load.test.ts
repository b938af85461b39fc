import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from './load.ts';

function messageOf(json: unknown): string {
  try {
    parseConfig(json);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('config validation', () => {
  it('accepts the contract v1 example and managed VMs', () => {
    const config = parseConfig({
      vms: [
        { id: 'alpha', name: 'Alpha', qmp: { socket: '/path/qmp.sock' } },
        { id: 'beta', qmp: { host: '127.0.0.1', port: 4444 } },
        { id: 'demo', launch: { args: ['-M', 'pc', '-S'] } },
      ],
      database: '/tmp/x.db',
      retention: { maxEvents: 10 },
      timeouts: { query: 1000, commands: { 'human-monitor-command': 2000 } },
      discover: [{ dir: '/run/qemu', pattern: '*.qmp' }],
    });
    expect(config.vms).toHaveLength(3);
  });

  it.each([
    [
      { vms: [{ id: 'a', qmp: { socket: '/s' } }, {}, { id: 'c', qmp: { host: 'h', port: 'x' } }] },
      'vms[2].qmp.port: expected a number',
    ],
    [{ vms: [{ id: 'a', qmp: { socket: '/s' } }], colour: 'blue' }, '(top level): unknown field "colour"'],
    [{ vms: [{ id: 'a', qmp: { sokcet: '/s' } }] }, 'vms[0].qmp: unknown field "sokcet"'],
    [{ vms: [{ id: 'a', qmp: { host: 'h' } }] }, 'vms[0].qmp: a TCP address needs both "host" and "port"'],
    [{ vms: [{ id: 'a' }] }, 'vms[0]: give either "qmp" (a running QEMU) or "launch"'],
    [{ vms: [{ id: 'a b', qmp: { socket: '/s' } }] }, 'vms[0].id: expected letters, digits'],
    [{ vms: [{ qmp: { socket: '/s' } }] }, 'vms[0].id: required (a string)'],
    [{ vms: 'alpha' }, 'vms: expected an array'],
    [{ vms: [{ id: 'a', launch: { args: [1] } }] }, 'vms[0].launch.args[0]: expected a string'],
    [
      {
        vms: [
          { id: 'a', qmp: { socket: '/s' } },
          { id: 'a', qmp: { socket: '/t' } },
        ],
      },
      'vms[1].id: "a" is used twice',
    ],
  ])('names the field: %j', (json, expected) => {
    expect(messageOf(json)).toContain(expected);
  });

  it('reads paths in the file relative to the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        vms: [
          { id: 'a', qmp: { socket: 'a.sock' } },
          { id: 'b', qmp: { socket: '/abs/b.sock' } },
          { id: 'c', qmp: { host: 'h', port: 1 } },
        ],
        database: 'data/events.db',
        discover: [{ dir: 'run', pattern: '*.qmp' }],
        qmpProxy: { dir: 'qmp' },
      }),
    );
    const config = loadConfigFile(file);
    expect(config.vms.map((vm) => vm.qmp)).toEqual([
      { socket: join(dir, 'a.sock') },
      { socket: '/abs/b.sock' },
      { host: 'h', port: 1 },
    ]);
    expect(config.database).toBe(join(dir, 'data/events.db'));
    expect(config.discover).toEqual([{ dir: join(dir, 'run'), pattern: '*.qmp' }]);
    expect(config.qmpProxy).toEqual({ dir: join(dir, 'qmp') });
  });

  it('takes the QMP proxy section, or false', () => {
    expect(parseConfig({ qmpProxy: false }).qmpProxy).toBe(false);
    expect(
      parseConfig({ qmpProxy: { dir: '/run/q', tcp: { basePort: 4500 }, group: 'kvm', user: 'ops' } })
        .qmpProxy,
    ).toEqual({ dir: '/run/q', tcp: { basePort: 4500 }, group: 'kvm', user: 'ops' });
    expect(messageOf({ qmpProxy: true })).toContain(
      'qmpProxy: expected { "dir"?, "tcp"?, "group"?, "user"? } or false',
    );
    expect(messageOf({ qmpProxy: { tcp: { basePort: 0 } } })).toContain('qmpProxy');
  });

  it('reports an unreadable file and invalid JSON without a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-config-'));
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/cannot read config file .*ENOENT/);
    writeFileSync(join(dir, 'bad.json'), '{ "vms": [ }');
    expect(() => loadConfigFile(join(dir, 'bad.json'))).toThrow(/is not valid JSON/);
  });
});
