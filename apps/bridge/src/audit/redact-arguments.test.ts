import { describe, expect, it } from 'vitest';
import { REDACTED, redactArguments } from './redact-arguments.ts';

describe('redacting arguments', () => {
  it.each([
    ['set_password', { protocol: 'vnc', password: 'hunter2' }, { protocol: 'vnc', password: REDACTED }],
    [
      'object-add',
      { 'qom-type': 'secret', id: 's0', data: 'c2VjcmV0', format: 'base64' },
      { 'qom-type': 'secret', id: 's0', data: REDACTED, format: 'base64' },
    ],
    [
      'object-add',
      { 'qom-type': 'secret_keyring', id: 's1', data: 'x', iv: 'abc', keyid: 5 },
      { 'qom-type': 'secret_keyring', id: 's1', data: REDACTED, iv: REDACTED, keyid: 5 },
    ],
    // `data` of anything but a secret object is ordinary data.
    ['object-add', { 'qom-type': 'memory-backend-ram', id: 'm', data: 'x' }, null],
    [
      'blockdev-add',
      {
        driver: 'luks',
        'node-name': 'n',
        file: { driver: 'file', filename: '/x' },
        key: 'k',
        Passphrase: 'p',
      },
      {
        driver: 'luks',
        'node-name': 'n',
        file: { driver: 'file', filename: '/x' },
        key: REDACTED,
        Passphrase: REDACTED,
      },
    ],
    [
      'x',
      { list: [{ token: 't', keep: 1 }], nested: { deeper: { secret: 's' } } },
      { list: [{ token: REDACTED, keep: 1 }], nested: { deeper: { secret: REDACTED } } },
    ],
    [
      'human-monitor-command',
      { 'command-line': 'change vnc password hunter2' },
      { 'command-line': REDACTED },
    ],
    ['human-monitor-command', { 'command-line': 'info status' }, null],
    ['eject', { device: 'cd0' }, null],
  ])('%s %j', (command, args, expected) => {
    const copy = structuredClone(args);
    expect(redactArguments(command, args)).toEqual(expected ?? args);
    // QEMU gets the arguments as sent: they are copied, never changed.
    expect(args).toEqual(copy);
  });

  it('keeps no arguments too deep for QMP (refused anyway), and none when there are none', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { a: deep };
    expect(redactArguments('x', deep)).toBeNull();
    expect(redactArguments('x', undefined)).toBeNull();
  });

  it("redacts the values of secret-bearing options in a definition's extraArgs", () => {
    const args = { id: 'web', extraArgs: ['-object', 'secret,id=s0,data=hunter2', '-m', '64'] };
    expect(redactArguments('vm.create', args)).toEqual({
      id: 'web',
      extraArgs: ['-object', 'secret,id=s0,data=[redacted]', '-m', '64'],
    });
    expect(JSON.stringify(redactArguments('vm.define', args))).not.toContain('hunter2');
    expect(args.extraArgs[1]).toBe('secret,id=s0,data=hunter2');
  });
});
