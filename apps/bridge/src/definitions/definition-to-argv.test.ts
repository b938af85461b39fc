import { VmDefinition, type VmDefinitionRequest } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { type ArgvContext, bootIndexes, definitionToArgv, escapeOption } from './definition-to-argv.ts';

const RT = '/run/qmpdeck/vms/web';

function argv(
  input: Omit<VmDefinitionRequest, 'id'> & { id?: string },
  context: Partial<ArgvContext> = {},
): string[] {
  const definition = VmDefinition.parse({ id: 'web', ...input });
  return definitionToArgv(definition, {
    runtimeDir: RT,
    disks: definition.disks.map((_, index) => ({ path: `/images/d${index}.qcow2`, format: 'qcow2' })),
    cdroms: definition.cdroms.map((cdrom, index) =>
      cdrom.image === undefined ? null : `/isos/c${index}.iso`,
    ),
    firmware: null,
    accelerators: ['tcg'],
    ...context,
  });
}

/** The values of every `flag` in argv, in order. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((arg, index) => (arg === flag ? [args[index + 1] as string] : []));
}

describe('definitionToArgv', () => {
  it('makes the whole argv of a definition with only an id', () => {
    expect(argv({ nics: [{ type: 'user', mac: '52:54:00:12:34:56' }] })).toEqual([
      ...['-name', 'web,debug-threads=on'],
      ...['-machine', 'q35'],
      ...['-accel', 'tcg'],
      ...['-cpu', 'max'],
      ...['-smp', '1'],
      ...['-m', '512'],
      '-nodefaults',
      ...['-device', 'pcie-root-port,id=rp0,bus=pcie.0,chassis=1'],
      ...['-device', 'pcie-root-port,id=rp1,bus=pcie.0,chassis=2'],
      ...['-device', 'pcie-root-port,id=rp2,bus=pcie.0,chassis=3'],
      ...['-device', 'pcie-root-port,id=rp3,bus=pcie.0,chassis=4'],
      ...['-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'],
      ...['-netdev', 'user,id=net0'],
      ...['-device', 'virtio-net-pci,netdev=net0,id=nic0,mac=52:54:00:12:34:56'],
      ...['-vga', 'std', '-vnc', `unix:${RT}/vnc.sock`],
      ...['-chardev', `socket,id=serial0,path=${RT}/serial.sock,server=on,wait=off`],
      ...['-serial', 'chardev:serial0'],
      ...['-chardev', `socket,id=qmpdeck-qga,path=${RT}/qga.sock,server=on,wait=off`],
      ...['-device', 'virtio-serial,id=qmpdeck-qga-serial'],
      ...[
        '-device',
        'virtserialport,bus=qmpdeck-qga-serial.0,chardev=qmpdeck-qga,name=org.qemu.guest_agent.0',
      ],
      ...['-device', 'virtio-balloon-pci,id=balloon0'],
      ...['-device', 'qemu-xhci,id=usb0', '-device', 'usb-tablet,bus=usb0.0,id=tablet0'],
    ]);
  });

  it('takes CPUs, CPU model, memory and the accelerators as given', () => {
    const args = argv({ cpus: 4, cpuModel: 'host', memoryMiB: 2048 }, { accelerators: ['kvm', 'tcg'] });
    expect(values(args, '-smp')).toEqual(['4']);
    expect(values(args, '-cpu')).toEqual(['host']);
    expect(values(args, '-m')).toEqual(['2048']);
    expect(values(args, '-accel')).toEqual(['kvm', 'tcg']);
  });

  it('gives pc no root ports and no ICH9 setting', () => {
    const args = argv({ machine: 'pc' });
    expect(values(args, '-machine')).toEqual(['pc']);
    expect(args.join(' ')).not.toMatch(/pcie-root-port|ICH9-LPC/);
  });

  it.each(['q35', 'pc'] as const)(
    "boots UEFI on %s from read-only OVMF code and the VM's own variables",
    (machine) => {
      const args = argv(
        { machine, firmware: 'uefi' },
        { firmware: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/var/lib/qmpdeck/vms/web.vars.fd' } },
      );
      expect(values(args, '-blockdev').slice(0, 2)).toEqual([
        'driver=file,node-name=ovmf-code,filename=/usr/share/OVMF/OVMF_CODE_4M.fd,read-only=on',
        'driver=file,node-name=ovmf-vars,filename=/var/lib/qmpdeck/vms/web.vars.fd',
      ]);
      expect(values(args, '-machine')).toEqual([`${machine},pflash0=ovmf-code,pflash1=ovmf-vars`]);
    },
  );

  it('refuses UEFI without the firmware files', () => {
    expect(() => argv({ firmware: 'uefi' })).toThrow('firmware: UEFI needs the firmware files');
  });

  it('makes a disk a file node, a format node with explicit names, and a device that names them', () => {
    const args = argv(
      { disks: [{ image: 'local:a.qcow2' }, { image: 'local:b.img', format: 'raw' }] },
      {
        disks: [
          { path: '/images/a.qcow2', format: 'qcow2' },
          { path: '/images/b.img', format: 'raw' },
        ],
      },
    );
    expect(values(args, '-blockdev')).toEqual([
      'driver=file,node-name=disk0-file,filename=/images/a.qcow2,cache.direct=off,cache.no-flush=off,discard=ignore',
      'driver=qcow2,node-name=disk0,file=disk0-file,cache.direct=off,cache.no-flush=off,discard=ignore',
      'driver=file,node-name=disk1-file,filename=/images/b.img,cache.direct=off,cache.no-flush=off,discard=ignore',
      'driver=raw,node-name=disk1,file=disk1-file,cache.direct=off,cache.no-flush=off,discard=ignore',
    ]);
    expect(values(args, '-device').filter((d) => d.startsWith('virtio-blk'))).toEqual([
      'virtio-blk-pci,drive=disk0,id=disk0,bootindex=0,write-cache=on',
      'virtio-blk-pci,drive=disk1,id=disk1,bootindex=1,write-cache=on',
    ]);
  });

  it.each([
    ['none', 'cache.direct=on,cache.no-flush=off', 'on'],
    ['writeback', 'cache.direct=off,cache.no-flush=off', 'on'],
    ['writethrough', 'cache.direct=off,cache.no-flush=off', 'off'],
    ['directsync', 'cache.direct=on,cache.no-flush=off', 'off'],
    ['unsafe', 'cache.direct=off,cache.no-flush=on', 'on'],
  ] as const)('maps cache %s to %s and write-cache=%s', (cache, node, writeCache) => {
    const args = argv({ disks: [{ image: 'local:a.qcow2', cache }] });
    for (const blockdev of values(args, '-blockdev')) expect(blockdev).toContain(node);
    expect(values(args, '-device').find((d) => d.includes('drive=disk0'))).toContain(
      `write-cache=${writeCache}`,
    );
  });

  it('passes discards down to the file when asked', () => {
    const args = argv({ disks: [{ image: 'local:a.qcow2', discard: true }] });
    for (const blockdev of values(args, '-blockdev')) expect(blockdev).toContain('discard=unmap');
  });

  it.each([
    ['q35', 'scsi', ['virtio-scsi-pci,id=scsi0'], 'scsi-hd,bus=scsi0.0,drive=disk0'],
    ['pc', 'scsi', ['virtio-scsi-pci,id=scsi0'], 'scsi-hd,bus=scsi0.0,drive=disk0'],
    ['q35', 'sata', [], 'ide-hd,bus=ide.0,drive=disk0'],
    ['pc', 'sata', ['ahci,id=sata0'], 'ide-hd,bus=sata0.0,drive=disk0'],
    ['pc', 'ide', [], 'ide-hd,bus=ide.0,unit=0,drive=disk0'],
    ['q35', 'ide', [], 'ide-hd,bus=ide.0,drive=disk0'],
    ['pc', 'virtio', [], 'virtio-blk-pci,drive=disk0'],
  ] as const)('puts a %s disk on %s where that machine has one', (machine, bus, controllers, device) => {
    const devices = values(argv({ machine, disks: [{ image: 'local:a.qcow2', bus }] }), '-device');
    for (const controller of controllers) expect(devices).toContain(controller);
    expect(devices.find((d) => d.includes('drive=disk0'))).toContain(device);
  });

  it('adds each controller once, and fills IDE buses and units, and AHCI ports, in order', () => {
    const devices = values(
      argv({
        machine: 'pc',
        disks: [
          { image: 'local:a', bus: 'scsi' },
          { image: 'local:b', bus: 'scsi' },
          { image: 'local:c', bus: 'ide' },
          { image: 'local:d', bus: 'ide' },
          { image: 'local:e', bus: 'sata' },
        ],
        cdroms: [{ bus: 'ide' }, { bus: 'sata' }, { bus: 'scsi' }],
      }),
      '-device',
    );
    expect(devices.filter((d) => d === 'virtio-scsi-pci,id=scsi0')).toHaveLength(1);
    expect(devices.filter((d) => d === 'ahci,id=sata0')).toHaveLength(1);
    const placement = (id: string) =>
      devices.find((d) => d.includes(`id=${id},`))?.match(/bus=[^,]+(,unit=\d)?/)?.[0];
    expect(['disk2', 'disk3', 'cdrom0'].map(placement)).toEqual([
      'bus=ide.0,unit=0',
      'bus=ide.0,unit=1',
      'bus=ide.1,unit=0',
    ]);
    expect(['disk4', 'cdrom1'].map(placement)).toEqual(['bus=sata0.0', 'bus=sata0.1']);
    expect(placement('cdrom2')).toBe('bus=scsi0.0');
  });

  it('refuses a drive with no place left (the checks say so first, naming the field)', () => {
    const three = Array.from({ length: 3 }, () => ({ image: 'l:d', bus: 'ide' as const }));
    expect(() => argv({ machine: 'pc', disks: three, cdroms: [{}, {}] })).toThrow(
      "cdroms[1].bus: the pc machine's IDE controller has 4 places",
    );
  });

  it('gives an empty CD-ROM drive no medium, and an ISO two read-only nodes, the raw one named -media', () => {
    const args = argv(
      { cdroms: [{}, { image: 'local:debian.iso' }] },
      { cdroms: [null, '/isos/debian.iso'] },
    );
    expect(values(args, '-blockdev')).toEqual([
      'driver=file,node-name=cdrom1-file,filename=/isos/debian.iso,read-only=on',
      'driver=raw,node-name=cdrom1-media,file=cdrom1-file,read-only=on',
    ]);
    const devices = values(args, '-device');
    expect(devices).toContain('ide-cd,bus=ide.0,id=cdrom0,bootindex=0');
    expect(devices).toContain('ide-cd,bus=ide.1,drive=cdrom1-media,id=cdrom1,bootindex=1');
  });

  it('puts a scsi CD-ROM on the SCSI controller as scsi-cd', () => {
    const devices = values(argv({ cdroms: [{ image: 'local:x.iso', bus: 'scsi' }] }), '-device');
    expect(devices).toContain('scsi-cd,bus=scsi0.0,drive=cdrom0-media,id=cdrom0,bootindex=0');
  });

  it('boots disks in order, then CD-ROMs, unless told otherwise', () => {
    const definition = VmDefinition.parse({
      id: 'x',
      disks: [{ image: 'l:a' }, { image: 'l:b' }],
      cdroms: [{ image: 'l:c.iso' }],
    });
    expect(bootIndexes(definition)).toEqual({ disks: [0, 1], cdroms: [2] });
    const installer = VmDefinition.parse({
      id: 'x',
      disks: [{ image: 'l:a' }, { image: 'l:b', boot: 5 }],
      cdroms: [{ image: 'l:c.iso', boot: 1 }],
    });
    expect(bootIndexes(installer)).toEqual({ disks: [2, 1], cdroms: [0] });
  });

  it('makes user NICs with their port forwards, bridge and tap NICs, virtio or e1000, numbered', () => {
    const args = argv({
      nics: [
        {
          type: 'user',
          mac: '52:54:00:00:00:01',
          forwards: [
            { hostPort: 2222, guestPort: 22 },
            { protocol: 'udp', host: '0.0.0.0', hostPort: 5353, guestPort: 53 },
          ],
        },
        { type: 'bridge', bridge: 'br0', model: 'e1000', mac: '52:54:00:00:00:02' },
        { type: 'tap', tap: 'tap7', mac: '52:54:00:00:00:03' },
      ],
    });
    expect(values(args, '-netdev')).toEqual([
      'user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp:0.0.0.0:5353-:53',
      'bridge,id=net1,br=br0',
      'tap,id=net2,ifname=tap7,script=no,downscript=no',
    ]);
    expect(values(args, '-device').filter((d) => d.includes('netdev='))).toEqual([
      'virtio-net-pci,netdev=net0,id=nic0,mac=52:54:00:00:00:01',
      'e1000,netdev=net1,id=nic1,mac=52:54:00:00:00:02',
      'virtio-net-pci,netdev=net2,id=nic2,mac=52:54:00:00:00:03',
    ]);
  });

  it('has no NIC when given none', () => {
    expect(argv({ nics: [] })).not.toContain('-netdev');
  });

  it('without a display: -display none, no VGA, no tablet', () => {
    const args = argv({ display: 'none' });
    expect(values(args, '-display')).toEqual(['none']);
    expect(args.join(' ')).not.toMatch(/-vga|-vnc|usb-tablet|qemu-xhci/);
  });

  it('leaves out the serial port and the guest agent channel when turned off; the balloon stays', () => {
    const args = argv({ serial: false, guestAgent: false }).join(' ');
    expect(args).not.toMatch(/serial0|org\.qemu\.guest_agent\.0/);
    expect(args).toContain('virtio-balloon-pci,id=balloon0');
  });

  it('appends extraArgs last, as given', () => {
    const args = argv({ extraArgs: ['-rtc', 'base=localtime', '-device', 'virtio-rng-pci'] });
    expect(args.slice(-4)).toEqual(['-rtc', 'base=localtime', '-device', 'virtio-rng-pci']);
  });

  it("doubles commas in paths, QEMU's escape inside an option", () => {
    expect(escapeOption('/a,b/c')).toBe('/a,,b/c');
    const args = argv(
      { disks: [{ image: 'l:a' }], cdroms: [{ image: 'l:b' }] },
      {
        runtimeDir: '/run/x,y',
        disks: [{ path: '/img/a,b.qcow2', format: 'qcow2' }],
        cdroms: ['/iso/c,d.iso'],
      },
    );
    expect(values(args, '-blockdev')[0]).toContain('filename=/img/a,,b.qcow2,');
    expect(values(args, '-blockdev')[2]).toContain('filename=/iso/c,,d.iso,');
    expect(values(args, '-vnc')).toEqual(['unix:/run/x,,y/vnc.sock']);
  });
});
