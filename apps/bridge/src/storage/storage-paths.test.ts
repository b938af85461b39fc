/**
 * Nothing outside a storage location is ever reached through it: one test per way of trying (a `../` name, one
 * %-encoded the way a URL would bring it, an absolute path, a symlink out, a symlink to a directory, a NUL, a
 * hidden name), against real files and links in a temp dir.
 */
import { closeSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageConfig } from '../config/schema.ts';
import { checkFileName, existingFile, newFilePath, openTempFile, TEMP_PREFIX } from './storage-paths.ts';

describe('storage paths', () => {
  let dir: string;
  let location: StorageConfig;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-storage-paths-'));
    const root = join(dir, 'images');
    mkdirSync(root);
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(dir, 'secret'), 'outside');
    writeFileSync(join(root, 'disk.qcow2'), 'inside');
    writeFileSync(join(root, 'sub', 'deep.iso'), 'inside too');
    symlinkSync(join(dir, 'secret'), join(root, 'out-link'));
    symlinkSync('../secret', join(root, 'relative-out'));
    symlinkSync(join(root, 'sub'), join(root, 'dir-link'));
    symlinkSync('disk.qcow2', join(root, 'in-link'));
    symlinkSync('sub/deep.iso', join(root, 'deep-link'));
    symlinkSync(join(dir, 'nowhere'), join(root, 'dangling'));
    location = { id: 'local', path: root, content: ['disk', 'iso'] };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves a plain name, and a symlink that stays inside, to the real file', () => {
    expect(existingFile(location, 'disk.qcow2')).toBe(join(dir, 'images', 'disk.qcow2'));
    expect(existingFile(location, 'in-link')).toBe(join(dir, 'images', 'disk.qcow2'));
    expect(existingFile(location, 'deep-link')).toBe(join(dir, 'images', 'sub', 'deep.iso'));
  });

  it.each([
    ['../secret', 'expected a plain file name'],
    [decodeURIComponent('..%2Fsecret'), 'expected a plain file name'],
    [decodeURIComponent('%2e%2e'), 'expected a plain file name'],
    ['/etc/passwd', 'expected a plain file name'],
    ['sub/deep.iso', 'expected a plain file name'],
    ['..\\secret', 'expected a plain file name'],
    ['disk.qcow2\0.iso', 'expected a plain file name'],
    ['.hidden', 'may not start with "."'],
    [`${TEMP_PREFIX}upload-x.part`, 'may not start with "."'],
    ['', 'name:'],
    ['x'.repeat(256), 'name:'],
    ['é'.repeat(200), 'longer than 255 bytes'],
  ])('refuses the name %j', (name, message) => {
    expect(() => checkFileName(name)).toThrow(message);
    expect(() => existingFile(location, name)).toThrow(expect.objectContaining({ class: 'BadRequest' }));
    expect(() => newFilePath(location, name)).toThrow(expect.objectContaining({ class: 'BadRequest' }));
  });

  it.each([
    ['out-link', 'is a link to outside storage "local"; refused'],
    ['relative-out', 'is a link to outside storage "local"; refused'],
    ['dir-link', 'is not a regular file'],
    ['sub', 'is not a regular file'],
  ])('refuses %s: %s', (name, message) => {
    expect(() => existingFile(location, name)).toThrow(message);
  });

  it('answers FileNotFound for a missing file and a dangling link', () => {
    for (const name of ['missing.iso', 'dangling']) {
      expect(() => existingFile(location, name)).toThrow(
        expect.objectContaining({ class: 'FileNotFound', status: 404 }),
      );
    }
  });

  it('does not let a new file take the name of a link or a directory', () => {
    expect(newFilePath(location, 'new.qcow2')).toBe(join(dir, 'images', 'new.qcow2'));
    expect(newFilePath(location, 'disk.qcow2')).toBe(join(dir, 'images', 'disk.qcow2'));
    for (const name of ['out-link', 'sub', 'dangling']) {
      expect(() => newFilePath(location, name)).toThrow('exists and is not a regular file');
    }
  });

  it('opens temporary files hidden, inside, new (O_EXCL)', () => {
    const { fd, path } = openTempFile(location, 'upload');
    closeSync(fd);
    expect(path.startsWith(join(dir, 'images', TEMP_PREFIX))).toBe(true);
  });
});
