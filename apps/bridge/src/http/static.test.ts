import { describe, expect, it } from 'vitest';
import { resolveInside } from './static.ts';

describe('resolveInside', () => {
  it.each([
    ['/', ''],
    ['/index.html', '/srv/web/index.html'],
    ['/assets/app.js', '/srv/web/assets/app.js'],
    ['/vm/alpha', '/srv/web/vm/alpha'],
  ])('maps %s inside the root', (path, file) => {
    expect(resolveInside('/srv/web', path)).toBe(file);
  });

  it.each(['/../etc/passwd', '/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc/passwd', '/a%00b', '/%E0%A4%A'])(
    'refuses %s',
    (path) => {
      expect(resolveInside('/srv/web', path)).toBeNull();
    },
  );

  it('keeps backslashes as plain name characters on POSIX (no escape)', () => {
    expect(resolveInside('/srv/web', '/..%5c..%5cetc')).toBe('/srv/web/..\\..\\etc');
  });
});
