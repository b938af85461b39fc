import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPromtool, promtoolCacheDir } from './cache.ts';

describe('promtoolCacheDir', () => {
  it('prefers QMPDECK_PROMTOOL_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(promtoolCacheDir({ QMPDECK_PROMTOOL_DIR: '/x', XDG_CACHE_HOME: '/y' })).toBe('/x');
    expect(promtoolCacheDir({ XDG_CACHE_HOME: '/y' })).toBe('/y/qmpdeck/promtool');
    expect(promtoolCacheDir({})).toMatch(/\.cache\/qmpdeck\/promtool$/);
  });
});

describe('findPromtool', () => {
  let dir: string;
  const executable = (path: string) => {
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-promtool-'));
    mkdirSync(join(dir, 'cache'));
    mkdirSync(join(dir, 'bin'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the fetched copy (with its manifest), else one on PATH, else none', () => {
    const cache = join(dir, 'cache');
    const bin = join(dir, 'bin');
    expect(findPromtool(cache, bin)).toBeNull();
    executable(join(bin, 'promtool'));
    expect(findPromtool(cache, `/nonexistent:${bin}`)).toBe(join(bin, 'promtool'));
    executable(join(cache, 'promtool'));
    expect(findPromtool(cache, bin)).toBe(join(bin, 'promtool'));
    writeFileSync(
      join(cache, 'manifest.json'),
      JSON.stringify({ package: 'prometheus', version: '2.42.0', fetchedAt: '2026-01-01T00:00:00Z' }),
    );
    expect(findPromtool(cache, bin)).toBe(join(cache, 'promtool'));
  });
});
