/**
 * Where QEMU's own Python QMP client comes from: Debian's pristine QEMU 7.2 source tarball (the version this
 * project targets), pinned by its sha256 (the one Debian's qemu_7.2+dfsg-7+deb12u18.dsc lists). PyPI is out of
 * reach here; the Debian archive is not. Only the `qemu` Python package and the `qmp-shell` script are kept.
 */
export interface QemuSource {
  url: string;
  sha256: string;
  bytes: number;
  /** The tarball's top directory. */
  topDir: string;
  /** Paths below topDir to extract: the Python package and the qmp-shell script (which finds it as ../../python). */
  members: readonly string[];
}

export const QEMU_SOURCE: QemuSource = {
  url: 'http://deb.debian.org/debian/pool/main/q/qemu/qemu_7.2+dfsg.orig.tar.xz',
  sha256: '91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f',
  bytes: 23_523_172,
  topDir: 'qemu-7.2.0',
  members: ['python/qemu', 'scripts/qmp/qmp-shell'],
};
