/** Which stored files fit which use: installer media, disk images; and whether one is free for a VM. */
import type { StorageFile } from '@qmpdeck/protocol';

const ISO_NAME = /\.iso$/i;

/** An ISO's image is raw: anything qemu-img calls another format (qcow2, vmdk...) is a disk, not media. */
export function isMedia(file: StorageFile): boolean {
  return ISO_NAME.test(file.name) || file.format === null || file.format === 'raw';
}

/** Disk images: what is not named as an ISO. */
export function isDiskImage(file: StorageFile): boolean {
  return !ISO_NAME.test(file.name);
}

/** The VMs other than `vm` that use the file: a disk given to one VM cannot be given to a second. */
export function usedByOthers(file: StorageFile, vm: string | null): string[] {
  return file.usedBy.filter((user) => user !== vm);
}

/** Why a file cannot be deleted now, or null. */
export function deleteBlockedReason(file: StorageFile): string | null {
  if (file.usedBy.length === 0) return null;
  return `In use by ${file.usedBy.join(', ')}: remove it from ${file.usedBy.length === 1 ? 'that VM' : 'those VMs'} first`;
}

/** "debian.iso" from "https://example.org/path/debian.iso?x=1"; empty when the URL names no file. */
export function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    return decodeURIComponent(last);
  } catch {
    return '';
  }
}
