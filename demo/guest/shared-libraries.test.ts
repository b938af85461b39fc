import { describe, expect, it } from 'vitest';
import { parseLdd } from './shared-libraries.ts';

describe('parseLdd', () => {
  it('keeps resolved paths and the loader, skips the vdso, reports what is missing', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffc1b5f2000)',
      '\tlibglib-2.0.so.0 => /lib/x86_64-linux-gnu/libglib-2.0.so.0 (0x00007f2a4d000000)',
      '\tliburing.so.2 => not found',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2a4ce00000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f2a4d1f0000)',
      '',
    ].join('\n');
    expect(parseLdd(output)).toEqual({
      found: [
        '/lib/x86_64-linux-gnu/libglib-2.0.so.0',
        '/lib/x86_64-linux-gnu/libc.so.6',
        '/lib64/ld-linux-x86-64.so.2',
      ],
      missing: ['liburing.so.2'],
    });
  });
});
