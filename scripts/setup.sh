#!/usr/bin/env bash
# Installs everything QMP Deck needs on Debian 12 (or a close relative):
# QEMU, Chromium (for the end-to-end tests), a C++ toolchain (SQLite's Node
# binding compiles from source), UEFI firmware and the tools the demo guest's ISO
# and the tests use, pnpm, the workspace's dependencies, the demo guest (kernel,
# initramfs, ISO), QEMU's own Python QMP client and qmp-shell, promtool, and the
# dashboard build. Safe to run again: each step skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "run as root or install sudo: apt-get needs root to install QEMU and Chromium"
  SUDO="sudo"
fi

command -v node >/dev/null || fail "Node.js >= 20.19 is needed (https://nodejs.org or Debian's nodesource packages)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node.js >= 20.19 is needed; this is $(node --version)"

# Installed as Debian ships them (Chromium's sandbox, QEMU's firmware and helpers are recommends).
APT_PACKAGES=(qemu-system-x86 qemu-utils chromium build-essential python3 ca-certificates)
# Tools the demo guest's build and the tests use: UEFI firmware, the ISO's makers (GRUB for BIOS and EFI, xorriso,
# mtools), xz (unpacks the guest's kernel; QEMU's source tarball), socat. Without recommends: grub-efi-amd64-bin
# would otherwise pull in shim-signed, efibootmgr and mokutil, which touch the host's own boot setup. None of these
# starts a service.
TOOL_PACKAGES=(ovmf xorriso grub-common grub-pc-bin grub-efi-amd64-bin mtools xz-utils socat)

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
  done
}

mapfile -t missing < <(missing_packages "${APT_PACKAGES[@]}")
mapfile -t missing_tools < <(missing_packages "${TOOL_PACKAGES[@]}")
all_missing=("${missing[@]}" "${missing_tools[@]}")
if [ "${#all_missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null \
    || fail "apt-get not found: install ${all_missing[*]} with your system's package manager"
  say "Installing system packages: ${all_missing[*]}"
  $SUDO apt-get update -qq
  if [ "${#missing[@]}" -gt 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ "${#missing_tools[@]}" -gt 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_tools[@]}" >/dev/null
  fi
else
  say "System packages present: ${APT_PACKAGES[*]} ${TOOL_PACKAGES[*]}"
fi

if ! command -v pnpm >/dev/null || ! pnpm --version | grep -q '^10\.'; then
  say "Installing pnpm 10"
  if [ -w "$(npm prefix -g)/lib" ] 2>/dev/null; then npm install -g pnpm@10 >/dev/null; else $SUDO npm install -g pnpm@10 >/dev/null; fi
fi

say "Installing dependencies (pnpm $(pnpm --version))"
pnpm install --frozen-lockfile

if [ -f demo/guest/build.ts ]; then
  say "Building the demo guest (Linux kernel + busybox initramfs, and an ISO of them; cached)"
  # A failed guest build must not stop the install: the demo then runs VMs without an operating system.
  node --import tsx demo/guest/build.ts \
    || echo "setup: the demo guest could not be built (see above); the demo will use VMs without an operating system"
fi

if [ -f demo/qemu-python/fetch.ts ]; then
  say "Fetching QEMU's own Python QMP client and qmp-shell for the tests (from Debian's QEMU source, cached)"
  # Like the guest: a failed fetch must not stop the install; only the tests that drive qemu.qmp or qmp-shell skip.
  node --import tsx demo/qemu-python/fetch.ts \
    || echo "setup: QEMU's Python QMP tools could not be fetched (see above); the tests that use them will skip"
fi

if [ -f demo/promtool/fetch.ts ]; then
  say "Fetching promtool for the metrics tests (from Debian's prometheus package, not installed: no server runs)"
  node --import tsx demo/promtool/fetch.ts \
    || echo "setup: promtool could not be fetched (see above); the tests that use it will skip"
fi

say "Building the dashboard"
pnpm --filter @qmpdeck/web build

say "Ready. Start the demo with: pnpm start    Run every test with: pnpm test"
