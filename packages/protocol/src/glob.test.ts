import { describe, expect, it } from 'vitest';
import { anyGlobMatches, globMatch } from './glob.ts';

describe('globMatch', () => {
  it.each([
    ['query-*', 'query-status', true],
    ['query-*', 'query-', true],
    ['query-*', 'xquery-status', false],
    ['web-?', 'web-1', true],
    ['web-?', 'web-12', false],
    ['vm.start', 'vm.start', true],
    ['vm.start', 'vmxstart', false],
    ['*', 'anything at all', true],
    ['Web', 'web', false],
    ['a(b)', 'a(b)', true],
  ])('%s ~ %s -> %s', (glob, text, expected) => {
    expect(globMatch(glob, text)).toBe(expected);
  });

  it('matches any of several globs', () => {
    expect(anyGlobMatches(['db', 'web-*'], 'web-2')).toBe(true);
    expect(anyGlobMatches(['db', 'web-*'], 'mail')).toBe(false);
    expect(anyGlobMatches([], 'x')).toBe(false);
  });
});
