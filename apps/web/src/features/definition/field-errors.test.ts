/** The bridge's `BadRequest` desc, read into errors by field, as the form shows them beside the field. */
import { VmDefinition } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { fieldErrorsFromDesc, fieldErrorsFromIssues } from './field-errors.ts';

describe('fieldErrorsFromDesc', () => {
  it('reads a bracketed path, as the issue writes it', () => {
    expect(fieldErrorsFromDesc('disks[0].size: expected bytes or a size such as "64M", "20G"')).toEqual({
      fields: { 'disks.0.size': 'expected bytes or a size such as "64M", "20G"' },
      general: [],
    });
  });

  it("reads zod's dotted paths after the route's prefix, several at once", () => {
    expect(
      fieldErrorsFromDesc(
        'invalid body: nics.0.forwards.1.hostPort: Too big: expected number to be <=65535; memoryMiB: Too small',
      ),
    ).toEqual({
      fields: {
        'nics.0.forwards.1.hostPort': 'Too big: expected number to be <=65535',
        memoryMiB: 'Too small',
      },
      general: [],
    });
  });

  it('keeps a desc that names no field as a general error', () => {
    expect(fieldErrorsFromDesc('storage location "fast" is full')).toEqual({
      fields: {},
      general: ['storage location "fast" is full'],
    });
    expect(fieldErrorsFromDesc('(body): Unrecognized key: "colour"').general).toEqual([
      '(body): Unrecognized key: "colour"',
    ]);
  });

  it('keeps the colons of the message itself', () => {
    expect(fieldErrorsFromDesc('cdroms[0].image: no file local:x.iso').fields).toEqual({
      'cdroms.0.image': 'no file local:x.iso',
    });
  });
});

describe('fieldErrorsFromIssues', () => {
  it("uses the same keys for the protocol validator's issues", () => {
    const result = VmDefinition.safeParse({ id: 'a', disks: [{ size: 'lots' }], extra: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    const errors = fieldErrorsFromIssues(result.error.issues);
    expect(Object.keys(errors.fields)).toEqual(['disks.0.size']);
    expect(errors.general).toHaveLength(1);
  });
});
