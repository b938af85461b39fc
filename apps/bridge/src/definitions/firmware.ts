/**
 * UEFI for defined VMs: OVMF from Debian's `ovmf` package (config `uefi` may name other files). The firmware's
 * code is shared and read-only; each VM has its own copy of the variables store (OVMF writes its boot entries
 * there, so VMs must never share one), made from the template the first time the VM starts with UEFI and kept
 * beside its definition (`<dataDir>/vms/<id>.vars.fd`). A clone gets a copy of its source's.
 */
import { constants, copyFileSync, existsSync } from 'node:fs';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export interface UefiFiles {
  code: string;
  /** The template of a VM's variables store. */
  vars: string;
}

/** The VM's firmware files for its argv; its variables store copied from the template when it has none. */
export function uefiFirmware(files: UefiFiles, varsPath: string): { code: string; vars: string } {
  for (const path of [files.code, files.vars]) {
    if (!existsSync(path)) {
      throw new BridgeError(
        BridgeErrorClass.Conflict,
        `UEFI firmware ${path} is missing: install Debian's ovmf package (apt install ovmf) or set "uefi" in the config`,
        409,
      );
    }
  }
  if (!existsSync(varsPath)) copyFileSync(files.vars, varsPath, constants.COPYFILE_EXCL);
  return { code: files.code, vars: varsPath };
}
