import { describe, expect, it } from 'vitest';
import { safeNextPath, signInPathFor } from './next-path.ts';

describe('safeNextPath', () => {
  it('follows a path of this app, with its query', () => {
    expect(safeNextPath('/vms/alpha/console')).toBe('/vms/alpha/console');
    expect(safeNextPath('/audit?vm=alpha&user=ana')).toBe('/audit?vm=alpha&user=ana');
  });

  it('goes to the overview for anything that could leave the app or loop', () => {
    for (const next of [null, '', 'https://evil.example/', '//evil.example/x', '/\\evil.example', 'vms/a'])
      expect(safeNextPath(next)).toBe('/');
    expect(safeNextPath('/sign-in')).toBe('/');
    expect(safeNextPath('/sign-in?next=/x')).toBe('/');
  });
});

describe('signInPathFor', () => {
  it('carries where the person was going, escaped', () => {
    expect(signInPathFor('/audit?vm=alpha&user=ana')).toBe(
      '/sign-in?next=%2Faudit%3Fvm%3Dalpha%26user%3Dana',
    );
    expect(signInPathFor('/')).toBe('/sign-in');
  });
});
