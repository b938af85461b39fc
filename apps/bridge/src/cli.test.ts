import { describe, expect, it } from 'vitest';
import { CliError, parseCli } from './cli.ts';

describe('parseCli', () => {
  it('drops the leading "--" pnpm 10 passes through', () => {
    expect(parseCli(['--', '--config', 'c.json', '--host', '127.0.0.1', '--port', '9000'])).toEqual({
      config: 'c.json',
      host: '127.0.0.1',
      port: 9000,
      help: false,
    });
  });

  it('reads --log-level, --log-format and --port 0', () => {
    expect(parseCli(['--port', '0', '--log-level', 'debug', '--log-format', 'json'])).toMatchObject({
      port: 0,
      logLevel: 'debug',
      logFormat: 'json',
    });
  });

  it.each([
    [['--nope'], /Unknown option '--nope'/],
    [['--port', 'eighty'], /--port: expected a number/],
    [['--port', '70000'], /--port: expected a number/],
    [['--log-level', 'loud'], /--log-level: expected one of/],
    [['--log-format', 'xml'], /--log-format: expected one of pretty, json/],
    [['stray'], /positional/i],
  ])('refuses %j with a one-line reason', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(CliError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});
