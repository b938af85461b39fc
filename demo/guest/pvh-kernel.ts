/**
 * The guest's kernel unpacked for QEMU's PVH boot. Debian's generic kernel is an XZ-compressed bzImage, and under
 * TCG its decompressor alone takes ~3 s of a ~7 s boot. The same kernel as a plain ELF (`vmlinux`) with its
 * PVH entry note boots with `-kernel` straight into Linux, no decompressor, no real-mode setup: ~3.5 s in all.
 * (The ISO keeps the bzImage: GRUB has no PVH loader.)
 *
 * A bzImage says where its compressed payload is (boot protocol 2.08+: `payload_offset`, `payload_length`, from
 * the start of the protected-mode code); the payload ends with the uncompressed size, 32-bit little-endian.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { runAllowingFailure } from './run-command.ts';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
/** XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit entry point QEMU's PVH loader jumps to. */
const PVH_NOTE_TYPE = 18;
const PT_NOTE = 4;

/** Why a kernel cannot be unpacked for PVH; the guest then boots the bzImage, only slower. */
export class NoPvhKernel {
  readonly class = 'NoPvhKernel';
  constructor(readonly desc: string) {}
}

/** The XZ stream inside a bzImage and the size it unpacks to, or why there is none. */
export function compressedPayload(bzImage: Buffer): { xz: Buffer; size: number } | NoPvhKernel {
  if (bzImage.length < 0x264 || bzImage.toString('latin1', 0x202, 0x206) !== 'HdrS') {
    return new NoPvhKernel('not a bzImage (no HdrS header)');
  }
  const setupSectors = bzImage[0x1f1] || 4;
  const offset = (setupSectors + 1) * 512 + bzImage.readUInt32LE(0x248);
  const length = bzImage.readUInt32LE(0x24c);
  if (length < 8 || offset + length > bzImage.length)
    return new NoPvhKernel('the payload lies outside the file');
  const payload = bzImage.subarray(offset, offset + length);
  if (!payload.subarray(0, XZ_MAGIC.length).equals(XZ_MAGIC)) {
    return new NoPvhKernel('the kernel is not XZ-compressed');
  }
  return { xz: payload.subarray(0, length - 4), size: payload.readUInt32LE(length - 4) };
}

/** True when the ELF image has a PT_NOTE with Xen's PHYS32_ENTRY note, which QEMU's `-kernel` needs for PVH. */
export function hasPvhEntry(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) return false;
  const programHeaders = Number(elf.readBigUInt64LE(0x20));
  const entrySize = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let index = 0; index < count; index++) {
    const header = programHeaders + index * entrySize;
    if (header + 0x30 > elf.length || elf.readUInt32LE(header) !== PT_NOTE) continue;
    const start = Number(elf.readBigUInt64LE(header + 0x08));
    const size = Number(elf.readBigUInt64LE(header + 0x20));
    if (notesHavePvhEntry(elf.subarray(start, start + size))) return true;
  }
  return false;
}

function notesHavePvhEntry(notes: Buffer): boolean {
  const align4 = (n: number) => (n + 3) & ~3;
  let at = 0;
  while (at + 12 <= notes.length) {
    const nameSize = notes.readUInt32LE(at);
    const descSize = notes.readUInt32LE(at + 4);
    const type = notes.readUInt32LE(at + 8);
    const name = notes.toString('latin1', at + 12, at + 12 + nameSize).replace(/\0+$/, '');
    if (name === 'Xen' && type === PVH_NOTE_TYPE) return true;
    at += 12 + align4(nameSize) + align4(descSize);
  }
  return false;
}

function xzOnPath(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'xz')));
}

/**
 * Unpacks `bzImage` to `output` as an ELF QEMU can boot by PVH, with the host's `xz` (busybox's unxz lacks the
 * x86 BCJ filter the kernel's stream uses). Returns a `NoPvhKernel` when this kernel or host cannot.
 */
export async function unpackForPvh(bzImage: string, output: string): Promise<NoPvhKernel | null> {
  const payload = compressedPayload(await readFile(bzImage));
  if (payload instanceof NoPvhKernel) return payload;
  if (!xzOnPath()) return new NoPvhKernel('xz not found (Debian package xz-utils)');
  const result = await runAllowingFailure(['xz', '--decompress', '--stdout'], { input: payload.xz });
  if (result.code !== 0) return new NoPvhKernel(`xz could not unpack the kernel: ${result.stderr.trim()}`);
  if (result.stdout.length !== payload.size) {
    return new NoPvhKernel(`the kernel unpacked to ${result.stdout.length} bytes, not ${payload.size}`);
  }
  if (!hasPvhEntry(result.stdout)) return new NoPvhKernel('the kernel has no PVH entry (CONFIG_PVH)');
  await writeFile(output, result.stdout);
  return null;
}
