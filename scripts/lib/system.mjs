// Host prerequisites: Debian packages the project needs at run time or test time.
// Plain Node (no dependencies): this runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, statSync } from 'node:fs';

/** What `npm start` needs on the host. */
export const RUNTIME_PACKAGES = [
  { pkg: 'qemu-system-x86', file: '/usr/bin/qemu-system-x86_64' },
  { pkg: 'qemu-utils', file: '/usr/bin/qemu-img' },
  // UEFI guests (<os firmware='efi'>): OVMF and its firmware descriptors.
  { pkg: 'ovmf', file: '/usr/share/qemu/firmware/60-edk2-x86_64.json' },
  // Emulated TPMs: swtpm serves the TPM, swtpm_setup makes its state.
  { pkg: 'swtpm', file: '/usr/bin/swtpm' },
  { pkg: 'swtpm-tools', file: '/usr/bin/swtpm_setup' },
];

/** What building the installer-demo ISO the graphical-console tests boot needs (scripts/lib/installer-iso.mjs). */
export const ISO_PACKAGES = [
  { pkg: 'xorriso', file: '/usr/bin/xorriso' },
  { pkg: 'isolinux', file: '/usr/lib/ISOLINUX/isolinux.bin' },
  { pkg: 'syslinux-common', file: '/usr/lib/syslinux/modules/bios/ldlinux.c32' },
];

/** What the hosts tests need: a libvirt to drive (apps/server/src/testing/libvirtHost.ts) and an sshd to reach it as a remote host. */
export const LIBVIRT_PACKAGES = [
  { pkg: 'libvirt-daemon', file: '/usr/sbin/libvirtd' },
  { pkg: 'libvirt-daemon-driver-qemu', file: '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so' },
  { pkg: 'libvirt-clients', file: '/usr/bin/virsh' },
  { pkg: 'openssh-server', file: '/usr/sbin/sshd' },
];

/** What `npm run bench` compares against: xmllint, to validate the same files with libvirt's RelaxNG schemas. */
export const BENCH_PACKAGES = [{ pkg: 'libxml2-utils', file: '/usr/bin/xmllint' }];

/** What `npm test` needs beyond that: Debian's Chromium for Playwright (its own browser download does not work offline). */
export const TEST_PACKAGES = [
  ...RUNTIME_PACKAGES,
  ...ISO_PACKAGES,
  ...LIBVIRT_PACKAGES,
  { pkg: 'chromium', file: '/usr/bin/chromium' },
];

/**
 * Installs the missing packages with apt-get when running as root. As a normal user it
 * prints the exact command to run and stops the process: sudo prompts have no place in
 * a start script.
 */
export function ensurePackages(packages, log = console.log) {
  const missing = packages.filter((p) => !existsSync(p.file)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    console.error(`virtdeck needs these Debian packages: ${missing.join(' ')}\nInstall them with:\n\n  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}\n`);
    process.exit(1);
  }
  log(`Installing ${missing.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another set-up (a parallel test run, a second checkout) may hold dpkg's lock: wait for it.
  const install = ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', ...missing];
  let result = spawnSync('apt-get', install, { stdio: 'inherit', env });
  if (result.status !== 0) {
    // A fresh image often has no package lists yet.
    run('apt-get', ['update'], env);
    result = spawnSync('apt-get', install, { stdio: 'inherit', env });
  }
  if (result.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed (exit ${result.status})`);
}

export function run(command, args, env = process.env, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', env, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

/** The unprivileged user QEMU runs as when the server runs as root (apps/server/src/confine/qemuUser.ts). */
export const QEMU_USER = 'virtdeck-qemu';

/** The group that owns /dev/kvm on a host with systemd's udev (50-udev-default.rules). */
export const KVM_GROUP = 'kvm';

/**
 * Creates QEMU's system user and group when running as root and it is missing, as the
 * qemu package does for libvirt's `libvirt-qemu`, and puts it in group kvm, as Debian puts
 * libvirt-qemu there: QEMU gets that user's groups (apps/server/src/guests/qemuProcess.ts).
 * As a normal user QEMU runs as that user. Then lets that user open /dev/net/tun
 * (ensureTunDevice) and /dev/kvm (ensureKvmDevice).
 */
export function ensureQemuUser(log = console.log) {
  if (process.getuid?.() !== 0) return;
  ensureTunDevice(log);
  if (!exists('group', KVM_GROUP)) {
    log(`Creating the system group ${KVM_GROUP}, which owns /dev/kvm as udev sets it…`);
    run('groupadd', ['--system', KVM_GROUP]);
  }
  if (!exists('passwd', QEMU_USER)) {
    log(`Creating the system user ${QEMU_USER}, whom QEMU runs as…`);
    run('useradd', ['--system', '--no-create-home', '--user-group', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', QEMU_USER]);
  }
  const groups = spawnSync('id', ['-nG', QEMU_USER], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
  if (!groups.includes(KVM_GROUP)) {
    log(`Adding ${QEMU_USER} to group ${KVM_GROUP}, so QEMU may open /dev/kvm…`);
    run('usermod', ['--append', '--groups', KVM_GROUP, QEMU_USER]);
  }
  ensureKvmDevice(log);
}

function exists(database, name) {
  return spawnSync('getent', [database, name], { stdio: 'ignore' }).status === 0;
}

const TUN_DEVICE = '/dev/net/tun';

/**
 * QEMU opens the taps the server makes for guests on host bridges (apps/server/src/networks/taps.ts)
 * through /dev/net/tun, as QEMU's user. systemd's udev rules make it 0666 (50-udev-default.rules),
 * which is safe: without CAP_NET_ADMIN a process attaches only to a tap made for its user. A
 * container's /dev, which no udev manages, often has it 0600: it gets udev's mode.
 */
function ensureTunDevice(log) {
  let mode;
  try {
    mode = statSync(TUN_DEVICE).mode & 0o777;
  } catch {
    return; // no tun device: the server says so where a guest needs a tap
  }
  if (mode === 0o666) return;
  log(`Making ${TUN_DEVICE} usable to ${QEMU_USER} (mode 0666, as udev makes it) for taps on host bridges…`);
  try {
    chmodSync(TUN_DEVICE, 0o666);
  } catch (error) {
    log(`Could not change ${TUN_DEVICE} (${error.message}); guests on host bridges will not start`);
  }
}

const KVM_DEVICE = '/dev/kvm';
/** systemd 252's 50-udev-default.rules: KERNEL=="kvm", GROUP="kvm", MODE="{{DEV_KVM_MODE}}", meson's dev-kvm-mode defaulting to 0666. */
const KVM_DEVICE_MODE = 0o666;

/**
 * Where udev runs (/run/udev/control), its rules own /dev/kvm and are left alone; QEMU gets
 * group kvm, which they give it. A container's /dev, which no udev manages, often has it
 * root:root 0600, which the confined QEMU cannot open: it gets udev's group and mode.
 */
function ensureKvmDevice(log) {
  let stat;
  try {
    stat = statSync(KVM_DEVICE);
  } catch {
    return; // no KVM here: the accelerator form says why
  }
  if (existsSync('/run/udev/control')) return;
  const gid = Number(spawnSync('getent', ['group', KVM_GROUP], { encoding: 'utf8' }).stdout.split(':')[2]);
  const mode = stat.mode & 0o777;
  if (stat.gid === gid && mode === KVM_DEVICE_MODE) return;
  const was = `${mode.toString(8).padStart(4, '0')} group ${stat.gid}`;
  log(`Making ${KVM_DEVICE} usable to ${QEMU_USER} (group ${KVM_GROUP}, mode 0666, as udev makes it; it was ${was}) for KVM guests…`);
  try {
    chownSync(KVM_DEVICE, stat.uid, gid);
    chmodSync(KVM_DEVICE, KVM_DEVICE_MODE);
  } catch (error) {
    log(`Could not change ${KVM_DEVICE} (${error.message}); KVM guests will not start, the accelerator form says why`);
  }
}
