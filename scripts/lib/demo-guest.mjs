// Builds the small real guest that `npm start` defines as `demo` and the integration tests
// boot: Debian's cloud kernel plus a busybox initramfs, made from Debian packages that are
// downloaded with apt but never installed. The guest prints a ready marker on its serial
// console, gives a shell there, and powers off when the ACPI power button is pressed.
//
// Plain Node with node: built-ins only, because it runs before `npm ci`.
// Usable as a module (ensureDemoGuest) and as a CLI: node scripts/lib/demo-guest.mjs [cacheDir]
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { aptStateStamp, downloadPackage, extractPackage, HostSetupError, resolveGuestPackages, run } from './guest/apt.mjs';
import { CpioArchive } from './guest/cpio.mjs';
import { indexModules, resolveLoadOrder } from './guest/kernel-modules.mjs';

/** The line the guest prints on its serial console once it is ready for commands. */
export const READY_MARKER = 'VIRTDECK-GUEST-READY';

/**
 * console=ttyS0: kernel messages and /dev/console (hence the marker and the shell) on the
 * first serial port. quiet: under TCG every byte written to the emulated UART is slow, and
 * the boot log is most of them. panic=-1: reboot at once on a panic instead of hanging.
 * cryptomgr.notests: the boot-time self-tests of the crypto algorithms are the slowest
 * initcall under TCG (0.3–0.5 s measured with initcall_debug) and this guest needs no crypto.
 */
export const KERNEL_CMDLINE = 'console=ttyS0 quiet panic=-1 cryptomgr.notests';

/**
 * Modules loaded at boot (their dependencies are found and loaded first). Built-in ones are
 * skipped. virtio_pci is the transport for the rest; button and evdev turn the ACPI power
 * button into the input event busybox acpid listens for.
 */
const GUEST_MODULES = Object.freeze([
  { name: 'virtio_pci', required: true },
  { name: 'virtio_blk', required: true },
  { name: 'virtio_net', required: true },
  { name: 'virtio_console', required: true },
  { name: 'virtio_balloon', required: true },
  { name: 'virtio_rng', required: false },
  { name: 'button', required: true },
  { name: 'evdev', required: true },
]);

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const guestSourceDir = fileURLToPath(new URL('./guest/', import.meta.url));
export const DEFAULT_CACHE_DIR = path.join(repoRoot, '.cache', 'guest');

const MANIFEST = 'manifest.json';
const KERNEL_FILE = 'vmlinuz';
const INITRD_FILE = 'initrd.img';

/**
 * Makes sure a demo guest is built in cacheDir and returns where it is. The first call builds
 * it (a few seconds plus a ~28 MB download); later calls reuse it unless the package versions
 * apt offers, or this recipe, changed. If apt cannot be asked or the download fails while a
 * complete older build exists, that build is reused with a warning (e.g. offline).
 *
 * The returned paths are stable across rebuilds, so a stored domain XML stays valid.
 *
 * @param {{ cacheDir?: string, log?: (message: string) => void }} [options]
 * @returns {Promise<{ kernel: string, initrd: string, cmdline: string, readyMarker: string, kernelVersion: string }>}
 */
export async function ensureDemoGuest({ cacheDir = DEFAULT_CACHE_DIR, log = () => {} } = {}) {
  const dir = path.resolve(cacheDir);
  await mkdir(dir, { recursive: true });
  const existing = await readCompleteBuild(dir);
  const recipe = await recipeHash();
  // Fast path: same recipe and apt's lists untouched since they were last asked.
  if (existing?.inputs.recipe === recipe && existing.aptState != null && existing.aptState === (await aptStateStamp())) {
    return describe(dir, existing);
  }

  let packages;
  try {
    packages = await resolveGuestPackages({ log });
  } catch (error) {
    return reuseAfterAptFailure(dir, existing, error, log);
  }
  const inputs = { kernelPackage: packages.kernel, busyboxPackage: packages.busybox, recipe };
  const aptState = await aptStateStamp();
  if (existing !== null && JSON.stringify(existing.inputs) === JSON.stringify(inputs)) {
    // apt's lists changed but still offer the same versions: remember that, to skip asking next time.
    await writeManifest(dir, { ...existing, aptState });
    return describe(dir, existing);
  }

  const debDir = path.join(dir, 'debs');
  await mkdir(debDir, { recursive: true });
  await removeAbandonedTemps(debDir);
  let debs;
  try {
    debs = {
      kernel: await downloadPackage(packages.kernel, debDir, { log }),
      busybox: await downloadPackage(packages.busybox, debDir, { log }),
    };
  } catch (error) {
    return reuseAfterAptFailure(dir, existing, error, log);
  }

  log(`Building the demo guest (${packages.kernel.name} ${packages.kernel.version}, busybox ${packages.busybox.version})…`);
  const manifest = await build(dir, { inputs, aptState }, debs, log);
  await pruneDebs(debDir, Object.values(debs));
  return describe(dir, manifest);
}

function reuseAfterAptFailure(dir, existing, error, log) {
  if (existing === null) throw error;
  log(`warning: ${error.message.trim()}\nReusing the demo guest built earlier (${existing.kernelVersion}).`);
  return describe(dir, existing);
}

function describe(dir, manifest) {
  return {
    kernel: path.join(dir, KERNEL_FILE),
    initrd: path.join(dir, INITRD_FILE),
    cmdline: KERNEL_CMDLINE,
    readyMarker: READY_MARKER,
    kernelVersion: manifest.kernelVersion,
  };
}

/**
 * Builds in a private temporary directory and only then moves the results into place, the
 * manifest last: a manifest exists only beside the files it describes, so an interrupted build
 * never looks finished.
 */
async function build(dir, { inputs, aptState }, debs, log) {
  const started = performance.now();
  await removeAbandonedTemps(dir);
  const work = await mkdtemp(path.join(dir, `.build-${process.pid}-`));
  try {
    const kernelRoot = path.join(work, 'kernel');
    const busyboxRoot = path.join(work, 'busybox');
    await extractPackage(debs.kernel, kernelRoot);
    await extractPackage(debs.busybox, busyboxRoot);

    const kernelVersion = await onlyEntry(path.join(kernelRoot, 'lib', 'modules'), `${inputs.kernelPackage.name}: lib/modules`);
    const busybox = path.join(busyboxRoot, 'bin', 'busybox');
    const index = await indexModules(path.join(kernelRoot, 'lib', 'modules', kernelVersion));
    const modules = await resolveLoadOrder(GUEST_MODULES, index, busybox);
    if (modules.absent.length > 0) log(`The kernel has no ${modules.absent.join(', ')}; the guest does without.`);

    const initrd = await buildInitramfs({ busybox, modules: modules.ordered });
    await writeFile(path.join(work, INITRD_FILE), initrd);
    await rename(path.join(kernelRoot, 'boot', `vmlinuz-${kernelVersion}`), path.join(work, KERNEL_FILE)).catch((error) => {
      throw new Error(`${inputs.kernelPackage.name} has no boot/vmlinuz-${kernelVersion} (${error.message})`);
    });

    const manifest = {
      inputs,
      aptState,
      kernelVersion,
      modules: modules.ordered.map((m) => m.name),
      builtinModules: modules.builtin,
      files: {
        kernel: { name: KERNEL_FILE, size: (await stat(path.join(work, KERNEL_FILE))).size },
        initrd: { name: INITRD_FILE, size: initrd.length },
      },
      builtAt: new Date().toISOString(),
      buildSeconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    };
    await writeFile(path.join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

    await unlink(path.join(dir, MANIFEST)).catch((error) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(path.join(work, KERNEL_FILE), path.join(dir, KERNEL_FILE));
    await rename(path.join(work, INITRD_FILE), path.join(dir, INITRD_FILE));
    await rename(path.join(work, MANIFEST), path.join(dir, MANIFEST));
    log(`Built the demo guest in ${manifest.buildSeconds} s: kernel ${kernelVersion}, initramfs ${(initrd.length / 1024).toFixed(0)} KiB.`);
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The initramfs: busybox with a link per applet (made here, so boot does not spend time on
 * `busybox --install`), the modules, /init and the two helper scripts, as a gzip'd newc cpio.
 */
async function buildInitramfs({ busybox, modules }) {
  const archive = new CpioArchive();
  for (const dir of ['dev', 'proc', 'sys', 'tmp', 'root', 'etc', 'var/run', 'var/log']) archive.directory(dir);
  // The kernel opens /dev/console for init before /init can mount devtmpfs.
  archive.charDevice('dev/console', 5, 1);
  archive.file('bin/busybox', await readFile(busybox), 0o755);
  // The static busybox runs on the build host too (both are amd64), so it can list its applets.
  const applets = (await run(busybox, ['--list-full'])).split('\n').filter(Boolean);
  for (const applet of applets.sort()) {
    if (!archive.has(applet)) archive.symlink(applet, '/bin/busybox');
  }

  const script = (name) => readFile(path.join(guestSourceDir, name), 'utf8');
  archive.file('init', (await script('init.sh')).replaceAll('@READY_MARKER@', READY_MARKER), 0o755);
  archive.file('etc/acpi/PWRF/00000080', await script('power-button.sh'), 0o755);
  archive.file('usr/share/udhcpc/default.script', await script('udhcpc.sh'), 0o755);

  for (const { name, elf } of modules) archive.file(`lib/modules/${name}.ko`, elf);
  archive.file('lib/modules/load-order', modules.map((m) => `${m.name}\n`).join(''));
  return gzipSync(archive.finish(), { level: 9 });
}

/** Replaces the manifest atomically (write a temporary file, then rename over). */
async function writeManifest(dir, manifest) {
  const temp = path.join(dir, `.build-${process.pid}-${MANIFEST}`);
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temp, path.join(dir, MANIFEST));
}

/** The finished build's manifest if it is readable and the files have the recorded sizes, else null. */
async function readCompleteBuild(dir) {
  let manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest?.kernelVersion !== 'string' || typeof manifest.inputs?.recipe !== 'string') return null;
  for (const [key, name] of [['kernel', KERNEL_FILE], ['initrd', INITRD_FILE]]) {
    const size = await stat(path.join(dir, name)).then((s) => s.size, () => -1);
    if (size !== manifest.files?.[key]?.size) return null;
  }
  return manifest;
}

/** Identifies this recipe: any change to the builder or the guest's scripts means a rebuild. */
async function recipeHash() {
  const hash = createHash('sha256');
  const sources = [fileURLToPath(import.meta.url), ...(await readdir(guestSourceDir)).sort().map((f) => path.join(guestSourceDir, f))];
  for (const file of sources) hash.update(`${path.basename(file)}\0`).update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

/** Removes temporary build and download directories of processes that were killed. */
async function removeAbandonedTemps(dir) {
  for (const entry of await readdir(dir)) {
    const pid = Number(/^\.(?:build|download)-(\d+)-/.exec(entry)?.[1]);
    if (pid && !isAlive(pid)) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Keeps only the packages of the current build, so the cache does not grow with each kernel update. */
async function pruneDebs(debDir, keep) {
  for (const entry of await readdir(debDir)) {
    const file = path.join(debDir, entry);
    if (entry.endsWith('.deb') && !keep.includes(file)) await rm(file, { force: true });
  }
}

async function onlyEntry(dir, what) {
  const entries = await readdir(dir).catch(() => []);
  if (entries.length !== 1 || entries[0] === undefined) throw new Error(`${what}: expected exactly one entry, found ${entries.length}`);
  return entries[0];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const cacheDir = process.argv[2] ?? DEFAULT_CACHE_DIR;
  try {
    const guest = await ensureDemoGuest({ cacheDir, log: (message) => console.error(message) });
    console.log(JSON.stringify(guest, null, 2));
  } catch (error) {
    console.error(error instanceof HostSetupError ? error.message : `Could not build the demo guest: ${error.stack ?? error}`);
    process.exitCode = 1;
  }
}
