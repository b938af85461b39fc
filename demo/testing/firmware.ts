/**
 * UEFI for test VMs, from Debian's `ovmf` package: the firmware's code read-only, and a private copy of its
 * variables store per VM (OVMF writes boot entries there, so VMs must never share one).
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS_TEMPLATE = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export function ovmfInstalled(): boolean {
  return existsSync(OVMF_CODE) && existsSync(OVMF_VARS_TEMPLATE);
}

/** `-drive if=pflash` pair for OVMF with its variables in `varsPath` (see {@link copyUefiVars}). */
export function uefiFirmwareArgs(varsPath: string): string[] {
  return [
    ...['-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`],
    ...['-drive', `if=pflash,format=raw,unit=1,file=${varsPath}`],
  ];
}

/** A fresh variables store in `dir`, copied from the package's template; returns its path. */
export function copyUefiVars(dir: string): string {
  const path = join(dir, 'OVMF_VARS.fd');
  copyFileSync(OVMF_VARS_TEMPLATE, path);
  return path;
}
