/** Talking to the bridge directly from a spec, to check what the page shows against what the bridge holds. */
import type { EventPage } from '@qmpdeck/protocol';

export async function storedSeqs(bridgeUrl: string, vm: string): Promise<number[]> {
  const response = await fetch(`${bridgeUrl}/api/vms/${vm}/events?after=0&limit=1000`);
  const page = (await response.json()) as EventPage;
  return page.events.map((event) => event.seq);
}

/** The names of the VM's stored events, oldest first. */
export async function storedEventNames(bridgeUrl: string, vm: string): Promise<string[]> {
  const response = await fetch(`${bridgeUrl}/api/vms/${vm}/events?after=0&limit=1000`);
  const page = (await response.json()) as EventPage;
  return page.events.map((event) => event.event);
}

export async function execute(
  bridgeUrl: string,
  vm: string,
  command: string,
  args?: Record<string, unknown>,
) {
  const response = await fetch(`${bridgeUrl}/api/vms/${vm}/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** `POST /api/vms` as a script does it; throws with the bridge's answer unless 201. */
export async function createVm(bridgeUrl: string, definition: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${bridgeUrl}/api/vms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  });
  if (response.status !== 201) throw new Error(`POST /api/vms: ${response.status} ${await response.text()}`);
}

/** The file names (in their storage location) of a defined VM's disk images. */
export async function diskFiles(bridgeUrl: string, vm: string): Promise<string[]> {
  const response = await fetch(`${bridgeUrl}/api/vms/${vm}/definition`);
  const definition = (await response.json()) as { disks: { image?: string }[] };
  return definition.disks.flatMap((disk) =>
    disk.image ? [disk.image.slice(disk.image.indexOf(':') + 1)] : [],
  );
}
