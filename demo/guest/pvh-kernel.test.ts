/**
 * Unpacking a bzImage for PVH, on small hand-made images: the header arithmetic, the XZ payload and its size
 * trailer (unpacked by the real `xz`), and the ELF note QEMU looks for. The real kernel is booted this way by every
 * test that boots the demo guest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compressedPayload, hasPvhEntry, NoPvhKernel, unpackForPvh } from './pvh-kernel.ts';

/** A 64-bit little-endian ELF whose one PT_NOTE segment holds a single note. */
function elfWithNote(name: string, type: number): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2; // ELFCLASS64
  header[5] = 1; // little-endian
  header.writeBigUInt64LE(64n, 0x20); // program headers right after the ELF header
  header.writeUInt16LE(56, 0x36);
  header.writeUInt16LE(1, 0x38);
  const nameBytes = Buffer.from(`${name}\0`, 'latin1');
  const paddedName = Buffer.alloc((nameBytes.length + 3) & ~3);
  nameBytes.copy(paddedName);
  const note = Buffer.concat([Buffer.alloc(12), paddedName, Buffer.alloc(4)]);
  note.writeUInt32LE(nameBytes.length, 0);
  note.writeUInt32LE(4, 4);
  note.writeUInt32LE(type, 8);
  const programHeader = Buffer.alloc(56);
  programHeader.writeUInt32LE(4, 0); // PT_NOTE
  programHeader.writeBigUInt64LE(BigInt(64 + 56), 0x08);
  programHeader.writeBigUInt64LE(BigInt(note.length), 0x20);
  return Buffer.concat([header, programHeader, note]);
}

/** A bzImage-shaped file: 2 setup sectors, then `payload` at `payload_offset` 16 into the protected-mode code. */
function bzImageWith(payload: Buffer): Buffer {
  const setupSectors = 2;
  const image = Buffer.alloc((setupSectors + 1) * 512 + 16 + payload.length);
  image[0x1f1] = setupSectors;
  image.write('HdrS', 0x202, 'latin1');
  image.writeUInt32LE(16, 0x248);
  image.writeUInt32LE(payload.length, 0x24c);
  payload.copy(image, (setupSectors + 1) * 512 + 16);
  return image;
}

function xz(data: Buffer): Buffer {
  const result = spawnSync('xz', ['--check=crc32', '--stdout'], { input: data });
  if (result.status !== 0) throw new Error(`xz failed: ${result.stderr}`);
  return result.stdout;
}

function withSizeTrailer(compressed: Buffer, size: number): Buffer {
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(size);
  return Buffer.concat([compressed, trailer]);
}

describe('hasPvhEntry', () => {
  it("finds Xen's PHYS32_ENTRY note and nothing else", () => {
    expect(hasPvhEntry(elfWithNote('Xen', 18))).toBe(true);
    expect(hasPvhEntry(elfWithNote('Xen', 17))).toBe(false);
    expect(hasPvhEntry(elfWithNote('GNU', 18))).toBe(false);
    expect(
      hasPvhEntry(Buffer.from('not an ELF file at all, but long enough to have a header in it........')),
    ).toBe(false);
  });
});

describe('compressedPayload', () => {
  it('finds the XZ stream and the size trailer from the header', () => {
    const compressed = xz(Buffer.from('kernel'));
    const payload = compressedPayload(bzImageWith(withSizeTrailer(compressed, 6)));
    expect(payload).toEqual({ xz: compressed, size: 6 });
  });

  it('refuses what is not an XZ bzImage, saying why', () => {
    expect(compressedPayload(Buffer.alloc(1024))).toEqual(new NoPvhKernel('not a bzImage (no HdrS header)'));
    const lz4 = withSizeTrailer(Buffer.from([0x02, 0x21, 0x4c, 0x18, 1, 2, 3, 4]), 8);
    expect(compressedPayload(bzImageWith(lz4))).toEqual(new NoPvhKernel('the kernel is not XZ-compressed'));
  });
});

describe('unpackForPvh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-pvh-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the unpacked ELF when it has the PVH note', async () => {
    const elf = elfWithNote('Xen', 18);
    writeFileSync(join(dir, 'vmlinuz'), bzImageWith(withSizeTrailer(xz(elf), elf.length)));
    expect(await unpackForPvh(join(dir, 'vmlinuz'), join(dir, 'vmlinux'))).toBeNull();
    expect(readFileSync(join(dir, 'vmlinux')).equals(elf)).toBe(true);
  });

  it('says so, and writes nothing, for a kernel without PVH or with a wrong size trailer', async () => {
    const plain = elfWithNote('GNU', 3);
    writeFileSync(join(dir, 'plain'), bzImageWith(withSizeTrailer(xz(plain), plain.length)));
    expect(await unpackForPvh(join(dir, 'plain'), join(dir, 'out'))).toEqual(
      new NoPvhKernel('the kernel has no PVH entry (CONFIG_PVH)'),
    );
    writeFileSync(join(dir, 'short'), bzImageWith(withSizeTrailer(xz(plain), plain.length + 1)));
    expect(await unpackForPvh(join(dir, 'short'), join(dir, 'out'))).toBeInstanceOf(NoPvhKernel);
    expect(() => readFileSync(join(dir, 'out'))).toThrow(/ENOENT/);
  });
});
