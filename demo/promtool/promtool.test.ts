/**
 * The promtool setup fetched, doing the job the metrics tests need: `promtool check metrics` reads the
 * Prometheus text format on stdin, passes a well-formed exposition and names what is wrong with a bad one.
 * Also the fetch CLI where it cannot fetch: one line, exit 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findPromtool, NOT_FETCHED_REASON } from './cache.ts';

const promtool = findPromtool();
if (promtool === null) console.warn(NOT_FETCHED_REASON);

function checkMetrics(text: string) {
  return spawnSync(promtool ?? 'promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
}

describe.skipIf(promtool === null)('promtool check metrics', () => {
  it('passes a well-formed exposition', () => {
    const result = checkMetrics(
      [
        '# HELP qmpdeck_vm_up Whether the bridge holds a QMP connection to the VM.',
        '# TYPE qmpdeck_vm_up gauge',
        'qmpdeck_vm_up{vm="demo"} 1',
        '# HELP qmpdeck_qmp_events_total QMP events received.',
        '# TYPE qmpdeck_qmp_events_total counter',
        'qmpdeck_qmp_events_total{vm="demo",event="STOP"} 3',
        '',
      ].join('\n'),
    );
    expect(result).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  it('names a counter without the _total suffix', () => {
    const result = checkMetrics(
      [
        '# HELP qmpdeck_events QMP events received.',
        '# TYPE qmpdeck_events counter',
        'qmpdeck_events 3',
        '',
      ].join('\n'),
    );
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('counter metrics should have "_total" suffix');
  });
});

describe('the promtool fetch CLI where it cannot fetch', () => {
  it('says so in one line and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qmpdeck-promtool-cli-'));
    try {
      const cli = join(dirname(fileURLToPath(import.meta.url)), 'fetch.ts');
      // Started by absolute path with an empty PATH: no apt, as on a host that is not Debian.
      const result = spawnSync(process.execPath, ['--import', 'tsx', cli], {
        env: { ...process.env, PATH: join(dir, 'empty'), QMPDECK_PROMTOOL_DIR: join(dir, 'cache') },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(0);
      expect(result.stdout.trim().split('\n')).toEqual([
        'promtool: not fetched: apt-get or dpkg-deb not found; tests that need promtool will skip',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
