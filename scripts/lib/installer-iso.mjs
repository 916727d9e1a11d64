// Builds the tiny bootable ISO the graphical-console and install tests boot: isolinux plus the
// demo guest's kernel and initramfs, and a small second initramfs whose /banner-init shows a
// banner and a shell on the VGA screen before the demo guest's /init prints its ready marker
// on the serial port. Cached under .cache/iso; rebuilt when the guest or this recipe changes.
//
// Plain Node with node: built-ins only (it runs in the test set-up beside demo-guest.mjs).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { run } from './guest/apt.mjs';
import { CpioArchive } from './guest/cpio.mjs';

/** What the ISO's boot writes on the VGA screen (the test looks for pixels, QMP screendump too). */
export const ISO_BANNER = 'VIRTDECK INSTALLER DEMO';

/** Debian's isolinux (package isolinux) and its loader module (package syslinux-common). */
const ISOLINUX_BIN = '/usr/lib/ISOLINUX/isolinux.bin';
const LDLINUX_C32 = '/usr/lib/syslinux/modules/bios/ldlinux.c32';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bannerInit = fileURLToPath(new URL('./guest/banner-init.sh', import.meta.url));
export const DEFAULT_ISO_CACHE_DIR = path.join(repoRoot, '.cache', 'iso');
const ISO_FILE = 'installer-demo.iso';
const STAMP_FILE = 'installer-demo.stamp';

/**
 * Makes sure the ISO for this demo guest exists and returns its path.
 *
 * @param {{ kernel: string, initrd: string, cmdline: string }} guest what ensureDemoGuest returned
 * @param {{ cacheDir?: string }} [options]
 * @returns {Promise<{ iso: string, banner: string }>}
 */
export async function ensureInstallerIso(guest, { cacheDir = DEFAULT_ISO_CACHE_DIR } = {}) {
  const dir = path.resolve(cacheDir);
  await mkdir(dir, { recursive: true });
  const iso = path.join(dir, ISO_FILE);
  const stamp = await recipeStamp(guest);
  const built = await readFile(path.join(dir, STAMP_FILE), 'utf8').catch(() => '');
  const present = await stat(iso).then(() => true, () => false);
  if (built === stamp && present) return { iso, banner: ISO_BANNER };

  const work = await mkdtemp(path.join(dir, `.build-${process.pid}-`));
  try {
    const tree = path.join(work, 'tree');
    await mkdir(path.join(tree, 'isolinux'), { recursive: true });
    await mkdir(path.join(tree, 'boot'), { recursive: true });
    await copyFile(ISOLINUX_BIN, path.join(tree, 'isolinux', 'isolinux.bin'));
    await copyFile(LDLINUX_C32, path.join(tree, 'isolinux', 'ldlinux.c32'));
    await copyFile(guest.kernel, path.join(tree, 'boot', 'vmlinuz'));
    await copyFile(guest.initrd, path.join(tree, 'boot', 'initrd.img'));
    await writeFile(path.join(tree, 'boot', 'banner.img'), await bannerInitramfs());
    await writeFile(path.join(tree, 'isolinux', 'isolinux.cfg'), isolinuxConfig(guest.cmdline));
    const temp = path.join(work, ISO_FILE);
    // El Torito "no emulation" boot of isolinux, as Debian's own installer images do.
    await run('xorriso', ['-as', 'mkisofs', '-quiet', '-o', temp, '-V', 'VIRTDECK_DEMO', '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat',
      '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', tree]);
    await rename(temp, iso);
    await writeFile(path.join(dir, STAMP_FILE), stamp);
    return { iso, banner: ISO_BANNER };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Boots at once (no prompt); the kernel loads both initramfs archives, the second on top. */
function isolinuxConfig(cmdline) {
  return ['DEFAULT demo', 'PROMPT 0', 'TIMEOUT 0', 'LABEL demo', '  KERNEL /boot/vmlinuz', '  INITRD /boot/initrd.img,/boot/banner.img', `  APPEND ${cmdline} rdinit=/banner-init`, ''].join('\n');
}

async function bannerInitramfs() {
  const archive = new CpioArchive();
  archive.file('banner-init', (await readFile(bannerInit, 'utf8')).replaceAll('@BANNER@', ISO_BANNER), 0o755);
  return gzipSync(archive.finish(), { level: 9 });
}

/** Identifies what the ISO is made of: the guest's files (by size and time) and this recipe. */
async function recipeStamp(guest) {
  const hash = createHash('sha256');
  for (const file of [fileURLToPath(import.meta.url), bannerInit, ISOLINUX_BIN, LDLINUX_C32]) hash.update(await readFile(file));
  for (const file of [guest.kernel, guest.initrd]) {
    const info = await stat(file);
    hash.update(`${file}\0${info.size}\0${info.mtimeMs}\0`);
  }
  hash.update(guest.cmdline);
  return hash.digest('hex');
}
