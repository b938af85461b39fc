import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLog } from './rotating-log.ts';

describe('RotatingLog', () => {
  let dir: string;
  const errors: unknown[] = [];
  const onError = (err: unknown) => errors.push(err);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rotating-log-'));
    errors.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps everything while under the cap, in order, in a directory it creates', async () => {
    const log = new RotatingLog(join(dir, 'vm-a', 'serial0.log'), { capBytes: 1000, onError });
    log.write(Buffer.from('boot\r\n'));
    log.write(Buffer.from('login: '));
    expect((await log.read()).toString()).toBe('boot\r\nlogin: ');
    expect(statSync(join(dir, 'vm-a')).mode & 0o777).toBe(0o700);
    expect(errors).toEqual([]);
  });

  it('keeps the newest output within the cap: at least half of it, never more, across rotations', async () => {
    const log = new RotatingLog(join(dir, 'serial0.log'), { capBytes: 1000, onError });
    let written = '';
    for (let i = 0; i < 300; i++) {
      const line = `line ${i}\n`;
      written += line;
      log.write(Buffer.from(line));
      if (i % 7 === 0) await log.flushed();
    }
    const kept = (await log.read()).toString();
    expect(kept.length).toBeGreaterThanOrEqual(500);
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(written.endsWith(kept)).toBe(true);
    expect(statSync(join(dir, 'serial0.log')).size).toBeLessThanOrEqual(500);
    expect(existsSync(join(dir, 'serial0.log.1'))).toBe(true);
  });

  it('writes only the newest half of one chunk larger than the cap', async () => {
    const log = new RotatingLog(join(dir, 'big.log'), { capBytes: 100, onError });
    const big = Buffer.from(`${'x'.repeat(300)}END`);
    log.write(big);
    const kept = await log.read();
    expect(kept.length).toBe(50);
    expect(kept.toString().endsWith('END')).toBe(true);
  });

  it('continues the same files after a restart of the bridge', async () => {
    const path = join(dir, 'serial0.log');
    const first = new RotatingLog(path, { capBytes: 1000, onError });
    first.write(Buffer.from('before restart\n'));
    await first.flushed();
    const second = new RotatingLog(path, { capBytes: 1000, onError });
    second.write(Buffer.from('after restart\n'));
    expect((await second.read()).toString()).toBe('before restart\nafter restart\n');
    expect(readFileSync(path, 'utf8')).toBe('before restart\nafter restart\n');
  });

  it('reports a write that fails and goes on', async () => {
    // A file where the log's directory should be: every write fails (EEXIST), none is kept, none blocks.
    writeFileSync(join(dir, 'blocker'), '');
    const log = new RotatingLog(join(dir, 'blocker', 'serial0.log'), { capBytes: 100, onError });
    log.write(Buffer.from('lost'));
    await log.flushed();
    log.write(Buffer.from('lost too'));
    await log.flushed();
    expect(errors.map((err) => (err as NodeJS.ErrnoException).code)).toEqual(['EEXIST', 'EEXIST']);
  });
});
