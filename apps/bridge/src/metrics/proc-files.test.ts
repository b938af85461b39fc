import { describe, expect, it } from 'vitest';
import {
  parseArgv0,
  parseCpuTicks,
  parseStatus,
  readCpuTicks,
  readStatus,
  readThreadTicks,
} from './proc-files.ts';
import { isQemuProgram } from './qemu-process.ts';

describe('/proc parsing', () => {
  it('reads utime + stime after the last parenthesis, whatever the command name holds', () => {
    // A real QEMU vCPU thread's stat (named by -name ...,debug-threads=on), fields 14 and 15 are 1234 and 56.
    const stat =
      '27828 (CPU 0/TCG) R 27820 27820 1 0 -1 4194368 0 0 0 0 1234 56 0 0 20 0 3 0 105 0 0 18446744073709551615 0 0 0 0 0 0 0 4096 0 0 0 0 -1 1 0 0 0 0 0';
    expect(parseCpuTicks(stat)).toBe(1290);
    expect(parseCpuTicks('9 (a) b) c) S 1 1 1 0 -1 0 0 0 0 0 7 3 0 0')).toBe(10);
    expect(parseCpuTicks('garbage')).toBeNull();
  });

  it('reads Tgid and VmRSS from status; a thread has a Tgid of its process', () => {
    const status = 'Name:\tqemu-system-x86\nTgid:\t4242\nPid:\t4250\nVmRSS:\t  65536 kB\n';
    expect(parseStatus(status)).toEqual({ tgid: 4242, rssBytes: 64 * 1024 * 1024 });
    expect(parseStatus('Name:\tkworker\nTgid:\t7\n')).toEqual({ tgid: 7, rssBytes: null });
  });

  it('reads this process from the real /proc', async () => {
    const status = await readStatus(process.pid);
    expect(status?.tgid).toBe(process.pid);
    expect(status?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(await readCpuTicks(process.pid)).toBeGreaterThanOrEqual(0);
    // The main thread alone, never more than the whole process.
    const thread = (await readThreadTicks(process.pid, process.pid)) as number;
    expect(thread).toBeLessThanOrEqual((await readCpuTicks(process.pid)) as number);
    expect(await readStatus(2 ** 30)).toBeNull();
  });

  it('knows a QEMU by its argv0', () => {
    expect(parseArgv0('qemu-system-x86_64\0-M\0pc\0')).toBe('qemu-system-x86_64');
    expect(isQemuProgram('/usr/bin/qemu-system-x86_64')).toBe(true);
    expect(isQemuProgram('/usr/libexec/qemu-kvm')).toBe(true);
    expect(isQemuProgram('/usr/bin/kvm')).toBe(true);
    expect(isQemuProgram('/usr/bin/node')).toBe(false);
  });
});
