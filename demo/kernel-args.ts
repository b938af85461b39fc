/**
 * The demo guest's kernel command line wherever it is booted straight from its kernel (the demo config, the tests,
 * the boot-time bench). The ISO keeps its own copy in demo/guest/iso.ts, baked into the image.
 *
 * `no_timer_check`: on a busy host (two cores running tests, QEMU under TCG) the kernel's check that the IO-APIC
 * timer ticks can run out of time and end in "IO-APIC + timer doesn't work!" and a panic; QEMU's timer is known
 * good, so the check is skipped, as cloud images do.
 */
export const GUEST_KERNEL_ARGS = ['console=ttyS0', 'quiet', 'no_timer_check'];

/** With a display: the VGA console first and the serial port last, so the serial port is /dev/console. */
export const GUEST_KERNEL_ARGS_WITH_DISPLAY = ['console=tty0', ...GUEST_KERNEL_ARGS];
