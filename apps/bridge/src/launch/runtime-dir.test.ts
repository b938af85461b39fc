import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRuntimeRoot } from './runtime-dir.ts';

describe('defaultRuntimeRoot', () => {
  it("takes systemd's RUNTIME_DIRECTORY first, as root and as a user", () => {
    expect(defaultRuntimeRoot({ RUNTIME_DIRECTORY: '/run/qmpdeck-2' }, 0)).toBe('/run/qmpdeck-2');
    expect(
      defaultRuntimeRoot({ RUNTIME_DIRECTORY: '/run/user/1000/x', XDG_RUNTIME_DIR: tmpdir() }, 1000),
    ).toBe('/run/user/1000/x');
  });

  it('ignores a relative RUNTIME_DIRECTORY or a list of several', () => {
    expect(defaultRuntimeRoot({ RUNTIME_DIRECTORY: 'run' }, 0)).toBe('/run/qmpdeck');
    expect(defaultRuntimeRoot({ RUNTIME_DIRECTORY: '/run/a:/run/b' }, 0)).toBe('/run/qmpdeck');
  });

  it('is /run/qmpdeck as root, else under XDG_RUNTIME_DIR, else in the temp dir by uid', () => {
    expect(defaultRuntimeRoot({}, 0)).toBe('/run/qmpdeck');
    expect(defaultRuntimeRoot({ XDG_RUNTIME_DIR: tmpdir() }, 1000)).toBe(join(tmpdir(), 'qmpdeck'));
    expect(defaultRuntimeRoot({ XDG_RUNTIME_DIR: '/nonexistent-xdg' }, 1000)).toBe(
      join(tmpdir(), 'qmpdeck-1000'),
    );
  });
});
