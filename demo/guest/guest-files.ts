/**
 * The guest's own files: a busybox userland run by busybox init. Kept as data here so the build can hash them:
 * changing any script below rebuilds the image.
 *
 * Boot: /init (PID 1, a shell script) mounts the kernel filesystems and execs busybox init, which runs rcS
 * (hostname, modules, ACPI, network), starts the guest agent once, and respawns a shell on the serial port and on
 * the VGA console. `poweroff` (from the power button, /sbin/shutdown or a shell) goes through init for a clean stop.
 */

export const HOSTNAME = 'qmpdeck-demo';
export const AGENT_PORT_NAME = 'org.qemu.guest_agent.0';

/**
 * Modules the guest needs beyond what the kernel has built in; dependencies (virtio, scsi_mod, libata, libahci,
 * cdrom, ...) are added by the build from each module's own metadata. Grouped by what they let a VM have.
 */
export const WANTED_MODULES = [
  // The machine: virtio transport, the agent's serial port, the NIC, the power button.
  'virtio_pci',
  'virtio_console',
  'virtio_net',
  'button',
  'evdev',
  // Disks, whatever bus a VM definition gives them: virtio-blk (/dev/vda), virtio-scsi, SATA (AHCI) and IDE
  // (/dev/sda...), and CD-ROMs (/dev/sr0) with the filesystem an ISO carries.
  'virtio_blk',
  'virtio_scsi',
  'sd_mod',
  'ahci',
  'ata_piix',
  'sr_mod',
  'isofs',
  // A memory balloon QMP's `balloon` can drive, and the host's entropy for the guest.
  'virtio_balloon',
  'virtio_rng',
  // A framebuffer console on QEMU's standard VGA (-vga std): booted by PVH (-kernel, see pvh-kernel.ts) Linux gets
  // no VGA text mode from a boot loader, so without it the VGA console (and VNC) would stay blank.
  'bochs',
];

export interface GuestFile {
  path: string;
  content: string;
  mode: number;
}

const init = `#!/bin/sh
# PID 1 until busybox init takes over. devtmpfs first: the initramfs has no /dev/console of its own.
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /run /tmp /var/log
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
ln -s /run /var/run
exec /sbin/init
`;

const inittab = `::sysinit:/etc/init.d/rcS
::once:/etc/init.d/guest-agent
ttyS0::respawn:-/bin/sh
tty1::respawn:-/bin/sh
::ctrlaltdel:/sbin/reboot
::shutdown:/etc/init.d/rcK
`;

const rcS = `#!/bin/sh
# The kernel command line may name the guest (qmpdeck.hostname=NAME), so two demo VMs need not share a name.
name=$(sed -n 's/.*qmpdeck\\.hostname=\\([A-Za-z0-9.-]*\\).*/\\1/p' /proc/cmdline)
hostname "\${name:-${HOSTNAME}}"
# Dependency order was worked out at build time from the modules' own metadata.
while read -r module; do
  insmod "/lib/modules/$(uname -r)/$module" || echo "rcS: could not load $module"
done < /etc/modules.order
# busybox acpid reads the power button through evdev and runs /etc/acpi/PWRF/00000080.
acpid -l /var/log/acpid.log
ip link set lo up
for nic in /sys/class/net/*; do
  case "$(readlink "$nic/device/driver")" in
    */virtio_net) udhcpc -b -i "\${nic##*/}" -s /etc/udhcpc.script >/var/log/udhcpc.log 2>&1 ;;
  esac
done
`;

const rcK = `#!/bin/sh
echo "${HOSTNAME}: powering off"
sync
`;

/** Without udev there is no /dev/virtio-ports/NAME: find the agent's port through sysfs. */
const guestAgent = `#!/bin/sh
tries=0
while [ $tries -lt 50 ]; do
  for port in /sys/class/virtio-ports/*; do
    if [ "$(cat "$port/name" 2>/dev/null)" = "${AGENT_PORT_NAME}" ]; then
      mkdir -p /run/qemu-ga
      exec /usr/sbin/qemu-ga -m virtio-serial -p "/dev/\${port##*/}" -t /run/qemu-ga -l /var/log/qemu-ga.log
    fi
  done
  tries=$((tries + 1))
  usleep 100000
done
echo "guest-agent: no virtio port named ${AGENT_PORT_NAME}; the agent stays off" >/var/log/qemu-ga.log
`;

/** qemu-ga's guest-shutdown runs \`shutdown -h -P +0\` (or -r, -H); busybox has no shutdown applet. */
const shutdown = `#!/bin/sh
case " $* " in
  *" -r "*) exec /sbin/reboot ;;
  *" -H "*) exec /sbin/halt ;;
  *) exec /sbin/poweroff ;;
esac
`;

const powerButton = `#!/bin/sh
exec /sbin/poweroff
`;

const udhcpcScript = `#!/bin/sh
# Called by udhcpc with the lease in the environment (ip, subnet, router, dns).
case "$1" in
  deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    ifconfig "$interface" "$ip" netmask "$subnet" up
    if [ -n "$router" ]; then
      while route del default gw 0.0.0.0 dev "$interface" 2>/dev/null; do :; done
      for gateway in $router; do route add default gw "$gateway" dev "$interface"; done
    fi
    : > /etc/resolv.conf
    for server in $dns; do echo "nameserver $server" >> /etc/resolv.conf; done
    ;;
esac
exit 0
`;

const banner = `
  QMP Deck demo guest (${HOSTNAME})
  Debian kernel + busybox, with the QEMU guest agent.
  Power button, DHCP on the virtio NIC; type 'poweroff' to stop.

`;

const osRelease = `NAME="QMP Deck demo guest"
ID=qmpdeck-demo
PRETTY_NAME="QMP Deck demo guest (busybox)"
VERSION_ID="1"
`;

// Login shells show the banner, so it greets people on the VGA console (VNC) as well as on the serial port.
const profile = `export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PS1='\\h:\\w\\$ '
cat /etc/banner
`;

/** Every file except the module list, which depends on the kernel. */
export function guestFiles(moduleOrder: readonly string[]): GuestFile[] {
  const executable = 0o755;
  const plain = 0o644;
  return [
    { path: 'init', content: init, mode: executable },
    { path: 'etc/inittab', content: inittab, mode: plain },
    { path: 'etc/init.d/rcS', content: rcS, mode: executable },
    { path: 'etc/init.d/rcK', content: rcK, mode: executable },
    { path: 'etc/init.d/guest-agent', content: guestAgent, mode: executable },
    { path: 'sbin/shutdown', content: shutdown, mode: executable },
    { path: 'etc/acpi/PWRF/00000080', content: powerButton, mode: executable },
    { path: 'etc/udhcpc.script', content: udhcpcScript, mode: executable },
    { path: 'etc/banner', content: banner, mode: plain },
    { path: 'etc/os-release', content: osRelease, mode: plain },
    { path: 'etc/profile', content: profile, mode: plain },
    { path: 'etc/hostname', content: `${HOSTNAME}\n`, mode: plain },
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\n', mode: plain },
    { path: 'etc/group', content: 'root:x:0:\n', mode: plain },
    { path: 'etc/modules.order', content: moduleOrder.map((line) => `${line}\n`).join(''), mode: plain },
  ];
}
