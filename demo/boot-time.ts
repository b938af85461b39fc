/**
 * How long the demo guest takes to boot, for images side by side in one run (so a change to the guest is
 * measured against the image before it on the same busy machine): seconds from launching QEMU to the banner on
 * the serial port and to the guest agent's first answer, alternating between the images each round.
 *
 *   node --import tsx demo/boot-time.ts [--runs N] [--media kernel|iso-bios|iso-uefi] CACHE_DIR [CACHE_DIR...]
 *
 * Each CACHE_DIR is a demo guest cache (what QMPDECK_CACHE_DIR names); the default is the usual one.
 */
import { parseArgs } from 'node:util';
import { accelArgs, type DemoGuest, demoGuestCacheDir, findDemoGuest } from './guest/cache.ts';
import { GUEST_KERNEL_ARGS } from './kernel-args.ts';
import { copyUefiVars, uefiFirmwareArgs } from './testing/firmware.ts';
import { BANNER_LINE, launchGuestVm } from './testing/guest-vm.ts';

type Media = 'kernel' | 'iso-bios' | 'iso-uefi';

interface Sample {
  banner: number;
  agent: number;
}

function machineArgs(guest: DemoGuest, media: Media): (dir: string) => string[] {
  const common = [
    '-m',
    media === 'iso-uefi' ? '512' : '128',
    '-nodefaults',
    '-vga',
    'std',
    ...accelArgs(guest),
  ];
  const nic = ['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'];
  if (media === 'kernel') {
    return () => [
      ...['-M', 'pc', ...common, ...nic],
      ...['-kernel', guest.kernel, '-initrd', guest.initrd, '-append', GUEST_KERNEL_ARGS.join(' ')],
    ];
  }
  if (guest.iso === null) throw new Error('this demo guest cache has no ISO');
  const iso = guest.iso;
  if (media === 'iso-bios') return () => ['-M', 'pc', ...common, ...nic, '-cdrom', iso];
  return (dir) => ['-M', 'q35', ...common, ...nic, ...uefiFirmwareArgs(copyUefiVars(dir)), '-cdrom', iso];
}

async function bootOnce(args: (dir: string) => string[]): Promise<Sample> {
  const vm = await launchGuestVm(args);
  try {
    const banner = await vm.waitForSerial(BANNER_LINE, 120_000);
    await vm.agent(120_000);
    return { banner, agent: performance.now() - vm.startedAt };
  } finally {
    await vm.dispose();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string', default: '3' }, media: { type: 'string', default: 'kernel' } },
  });
  const media = values.media as Media;
  const dirs = positionals.length > 0 ? positionals : [demoGuestCacheDir()];
  const images = dirs.map((dir) => {
    const guest = findDemoGuest(dir);
    if (guest === null) throw new Error(`no demo guest built in ${dir}`);
    return { dir, args: machineArgs(guest, media), samples: [] as Sample[] };
  });
  for (let run = 0; run < Number(values.runs); run++) {
    for (const image of images) image.samples.push(await bootOnce(image.args));
  }
  console.table(
    images.map((image) => ({
      image: image.dir,
      media,
      runs: image.samples.length,
      'banner s (median)': seconds(median(image.samples.map((sample) => sample.banner))),
      'agent s (median)': seconds(median(image.samples.map((sample) => sample.agent))),
      'agent s (all)': image.samples.map((sample) => seconds(sample.agent)).join(' '),
    })),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
