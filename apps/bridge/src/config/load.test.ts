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
    [
      { vms: [{ id: 'a', qmp: { socket: '/s' }, vnc: { port: 5900 } }] },
      'vms[0].vnc: expected { "socket": PATH } or { "host", "port" }',
    ],
    [
      {
        vms: [
          {
            id: 'a',
            qmp: { socket: '/s' },
            serial: [
              { name: 's', socket: '/1' },
              { name: 's', socket: '/2' },
            ],
          },
        ],
      },
      'vms[0].serial: serial port names must differ',
    ],
    [
      { vms: [{ id: 'a', qmp: { socket: '/s' }, serial: [{ name: '../x', socket: '/1' }] }] },
      'vms[0].serial[0].name',
    ],
  ])('names the field: %j', (json, expected) => {
    expect(messageOf(json)).toContain(expected);
  });

  const HASH = `scrypt:16384:8:1:${Buffer.alloc(16, 1).toString('base64')}:${Buffer.alloc(64, 2).toString('base64')}`;
  const TOKEN_HASH = `sha256:${'ab'.repeat(32)}`;

  it('accepts users, a policy, an auth proxy, TLS, trustProxy, session and audit settings', () => {
    const config = parseConfig({
      vms: [],
      users: [
        { name: 'ana', role: 'viewer', passwordHash: HASH, vms: ['web-*'] },
        { name: 'ci', role: 'operator', tokenHash: TOKEN_HASH },
        { name: 'root', role: 'admin', token: 'a-long-enough-token', passwordHash: HASH },
      ],
      policy: { operator: { allow: ['query-*', 'stop'], deny: ['query-chardev'] }, viewer: {} },
      authProxy: { userHeader: 'Remote-User', trustedProxies: ['127.0.0.1/32', '::1', 'fd00::/8'] },
      tls: { cert: '/etc/qmpdeck/cert.pem', key: '/etc/qmpdeck/key.pem' },
      trustProxy: ['10.0.0.0/8'],
      session: { idleMinutes: 30, maxHours: 8 },
      audit: { maxAgeDays: 30, maxEntries: 5000 },
    });
    expect(config.users).toHaveLength(3);
    expect(parseConfig({ vms: [], trustProxy: true }).trustProxy).toBe(true);
  });

  it.each([
    [
      { users: [{ name: 'ana', role: 'viewer' }] },
      'users[0]: a user needs at least one of "token", "tokenHash" or "passwordHash"',
    ],
    [{ users: [{ name: 'ana', role: 'boss', token: 'a-long-enough-token' }] }, 'users[0].role:'],
    [
      { users: [{ name: 'a b', role: 'viewer', token: 'a-long-enough-token' }] },
      'users[0].name: expected letters',
    ],
    [
      { users: [{ name: 'ana', role: 'viewer', token: 'short' }] },
      'users[0].token: a token must be at least 16',
    ],
    [
      { users: [{ name: 'ana', role: 'viewer', tokenHash: 'sha256:XYZ' }] },
      'users[0].tokenHash: expected "sha256:"',
    ],
    [
      { users: [{ name: 'ana', role: 'viewer', token: 'a-long-enough-token', tokenHash: TOKEN_HASH }] },
      'users[0]: give "token" or "tokenHash", not both',
    ],
    [
      { users: [{ name: 'ana', role: 'viewer', passwordHash: 'hunter2' }] },
      'users[0].passwordHash: expected "scrypt:',
    ],
    [
      { users: [{ name: 'ana', role: 'viewer', passwordHash: HASH.replace('16384', '1000') }] },
      'users[0].passwordHash: N must be a power of two',
    ],
    [
      {
        users: [
          { name: 'ana', role: 'viewer', token: 'a-long-enough-token' },
          { name: 'ana', role: 'admin', token: 'another-long-token' },
        ],
      },
      'users[1].name: "ana" is used twice',
    ],
    [{ users: [{ name: 'ana', role: 'viewer', token: 'a-long-enough-token', vms: [] }] }, 'users[0].vms:'],
    [{ policy: { operator: { allow: 'stop' } } }, 'policy.operator.allow: expected an array'],
    [{ policy: { superuser: {} } }, 'policy: unknown field "superuser"'],
    [
      {
        users: [{ name: 'a', role: 'admin', token: 'a-long-enough-token' }],
        authProxy: { userHeader: 'Remote-User', trustedProxies: ['10.0.0.0/33'] },
      },
      'authProxy.trustedProxies[0]: "10.0.0.0/33": the prefix must be from 0 to 32',
    ],
    [
      { authProxy: { userHeader: 'Remote-User', trustedProxies: ['127.0.0.1'] } },
      "authProxy: the proxy's user names are mapped to configured users",
    ],
    [{ tls: { cert: 'c.pem' } }, 'tls.key: required'],
    [{ trustProxy: ['proxy.lan'] }, 'trustProxy'],
    [{ session: { idleMinutes: 0 } }, 'session.idleMinutes'],
  ])('names the field of a user or security setting: %j', (json, expected) => {
    expect(messageOf({ vms: [], ...json })).toContain(expected);
  });

  it('accepts storage locations, transfer limits, the data and runtime directories and UEFI files', () => {
    const config = parseConfig({
      vms: [],
      storage: [
        { id: 'local', path: '/var/lib/qmpdeck/images', content: ['disk', 'iso'] },
        { id: 'backups', path: '/srv/backups', content: ['backup', 'dump'] },
      ],
      uploads: { maxBytes: 1024 },
      downloads: { maxBytes: 2048 },
      dataDir: '/var/lib/qmpdeck',
      runtimeDir: '/run/qmpdeck',
      stopVmsOnExit: true,
      uefi: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd' },
    });
    expect(config.storage?.map((location) => location.id)).toEqual(['local', 'backups']);
  });

  it.each([
    [{ storage: [{ id: 'a b', path: '/x', content: ['disk'] }] }, 'storage[0].id: expected letters'],
    [{ storage: [{ id: 'a', path: '/x', content: [] }] }, 'storage[0].content:'],
    [{ storage: [{ id: 'a', path: '/x', content: ['photos'] }] }, 'storage[0].content[0]:'],
    [{ storage: [{ id: 'a', content: ['disk'] }] }, 'storage[0].path: required'],
    [
      {
        storage: [
          { id: 'a', path: '/x', content: ['disk'] },
          { id: 'a', path: '/y', content: ['iso'] },
        ],
      },
      'storage[1].id: "a" is used twice',
    ],
    [{ uploads: { maxBytes: 0 } }, 'uploads.maxBytes:'],
    [{ stopVmsOnExit: 'yes' }, 'stopVmsOnExit: expected a boolean'],
  ])('names the field of a storage or launch setting: %j', (json, expected) => {
    expect(messageOf({ vms: [], ...json })).toContain(expected);
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
          { id: 'c', qmp: { host: 'h', port: 1 }, vnc: { host: 'h', port: 5901 } },
          {
            id: 'd',
            qmp: { socket: 'd.sock' },
            vnc: { socket: 'd-vnc.sock' },
            serial: [{ name: 'serial0', socket: 'd-s0.sock' }],
          },
        ],
        database: 'data/events.db',
        discover: [{ dir: 'run', pattern: '*.qmp' }],
        qmpProxy: { dir: 'qmp' },
        tls: { cert: 'tls/cert.pem', key: '/etc/key.pem' },
        dataDir: 'data',
        runtimeDir: 'run/vms',
        storage: [{ id: 'local', path: 'images', content: ['disk'] }],
        uefi: { vars: 'firmware/vars.fd' },
      }),
    );
    const config = loadConfigFile(file);
    expect(config.vms.map((vm) => vm.qmp)).toEqual([
      { socket: join(dir, 'a.sock') },
      { socket: '/abs/b.sock' },
      { host: 'h', port: 1 },
      { socket: join(dir, 'd.sock') },
    ]);
    expect(config.vms.map((vm) => vm.vnc)).toEqual([
      undefined,
      undefined,
      { host: 'h', port: 5901 },
      { socket: join(dir, 'd-vnc.sock') },
    ]);
    expect(config.vms[3]?.serial).toEqual([{ name: 'serial0', socket: join(dir, 'd-s0.sock') }]);
    expect(config.database).toBe(join(dir, 'data/events.db'));
    expect(config.discover).toEqual([{ dir: join(dir, 'run'), pattern: '*.qmp' }]);
    expect(config.qmpProxy).toEqual({ dir: join(dir, 'qmp') });
    expect(config.tls).toEqual({ cert: join(dir, 'tls/cert.pem'), key: '/etc/key.pem' });
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.runtimeDir).toBe(join(dir, 'run/vms'));
    expect(config.storage?.[0]?.path).toBe(join(dir, 'images'));
    expect(config.uefi).toEqual({ vars: join(dir, 'firmware/vars.fd') });
  });

  it('takes the QMP proxy section, or false', () => {
    expect(parseConfig({ qmpProxy: false }).qmpProxy).toBe(false);
    const users = [{ name: 'ops', role: 'operator', token: 'a-long-enough-token' }];
    expect(
      parseConfig({ users, qmpProxy: { dir: '/run/q', tcp: { basePort: 4500 }, group: 'kvm', user: 'ops' } })
        .qmpProxy,
    ).toEqual({ dir: '/run/q', tcp: { basePort: 4500 }, group: 'kvm', user: 'ops' });
    expect(messageOf({ qmpProxy: true })).toContain(
      'qmpProxy: expected { "dir"?, "tcp"?, "group"?, "user"? } or false',
    );
    expect(messageOf({ qmpProxy: { tcp: { basePort: 0 } } })).toContain('qmpProxy');
  });

  it('takes qmpProxy.user only when it names a configured user', () => {
    const users = [{ name: 'ops', role: 'operator', token: 'a-long-enough-token' }];
    expect(messageOf({ users, qmpProxy: { user: 'opz' } })).toContain(
      'qmpProxy.user: "opz" is not a configured user; add it to "users" or leave qmpProxy.user out',
    );
    expect(messageOf({ qmpProxy: { user: 'ops' } })).toContain(
      'qmpProxy.user: "ops" is not a configured user',
    );
    expect(parseConfig({ users, qmpProxy: false }).qmpProxy).toBe(false);
  });

  it('reports an unreadable file and invalid JSON without a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-config-'));
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/cannot read config file .*ENOENT/);
    writeFileSync(join(dir, 'bad.json'), '{ "vms": [ }');
    expect(() => loadConfigFile(join(dir, 'bad.json'))).toThrow(/is not valid JSON/);
  });
});
