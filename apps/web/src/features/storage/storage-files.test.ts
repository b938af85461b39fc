/** Which stored files fit which use, and the words for what a file cannot be used for now. */
import type { StorageFile } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { deleteBlockedReason, isDiskImage, isMedia, nameFromUrl, usedByOthers } from './storage-files.ts';
import { fileNameProblem } from './UploadPanel.tsx';

const file = (name: string, change: Partial<StorageFile> = {}): StorageFile => ({
  storage: 'local',
  name,
  ref: `local:${name}`,
  size: 1,
  virtualSize: null,
  format: null,
  modified: 0,
  usedBy: [],
  ...change,
});

describe('stored files', () => {
  it('offers ISOs and raw images as media, never a qcow2', () => {
    expect(isMedia(file('debian.iso', { format: 'raw' }))).toBe(true);
    expect(isMedia(file('web.qcow2', { format: 'qcow2' }))).toBe(false);
    expect(isDiskImage(file('debian.iso'))).toBe(false);
    expect(isDiskImage(file('web.qcow2', { format: 'qcow2' }))).toBe(true);
  });

  it('counts a disk as taken by the other VMs only', () => {
    expect(usedByOthers(file('a.qcow2', { usedBy: ['web', 'db'] }), 'web')).toEqual(['db']);
    expect(usedByOthers(file('a.qcow2', { usedBy: ['web'] }), null)).toEqual(['web']);
  });

  it('says why a file in use cannot be deleted', () => {
    expect(deleteBlockedReason(file('a.iso'))).toBeNull();
    expect(deleteBlockedReason(file('a.iso', { usedBy: ['web'] }))).toBe(
      'In use by web: remove it from that VM first',
    );
  });

  it('takes a download name from the URL', () => {
    expect(nameFromUrl('https://example.org/cd/debian%2012.iso?mirror=1')).toBe('debian 12.iso');
    expect(nameFromUrl('not a url')).toBe('');
  });
});

describe('fileNameProblem', () => {
  it.each(['../escape.iso', 'a/b.iso', 'a\\b.iso', '..', '.'])('refuses %j before sending', (name) => {
    expect(fileNameProblem(name)).toMatch(/is not a plain file name/);
  });

  it('lets a plain name through', () => {
    expect(fileNameProblem('debian-12.5.0-amd64-netinst.iso')).toBeNull();
  });
});
