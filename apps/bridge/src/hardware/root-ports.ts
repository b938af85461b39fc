/**
 * The PCIe root ports with nothing plugged in, where a hot-plugged device can go on `q35`. Asked of QOM, not of
 * `query-pci`: before the firmware has run (a VM paused before boot) `query-pci` lists no device behind any port,
 * while each port's bus in QOM links the devices on it (`child[0]`).
 */

import type { Peripheral } from './nics.ts';
import type { QueryRunner } from './query-runner.ts';

export async function freeRootPorts(
  query: QueryRunner,
  peripherals: readonly Peripheral[],
): Promise<string[]> {
  const free: string[] = [];
  for (const port of peripherals) {
    if (port.type !== 'pcie-root-port' || port.id === null) continue;
    // The port's secondary bus is its child of the same name.
    const bus = await query('qom-list', { path: `${port.path}/${port.id}` });
    if (!bus.some((property) => property.name.startsWith('child['))) free.push(port.id);
  }
  return free;
}
