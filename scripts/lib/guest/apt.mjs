// The demo guest is made from Debian's own packages, fetched with apt but never installed:
// this module asks apt which exact versions to use and downloads them.
// Every command runs with an argument array (execFile), never through a shell.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The metapackage that always depends on Debian's current cloud kernel (its ABI is in the name). */
export const KERNEL_METAPACKAGE = 'linux-image-cloud-amd64';
export const BUSYBOX_PACKAGE = 'busybox-static';

/** Programs every Debian system has (apt and dpkg are essential there). */
const DEBIAN_TOOLS = ['apt-get', 'apt-cache', 'dpkg-deb'];

const isRoot = () => process.getuid?.() === 0;

/** Thrown when the host needs a step only its administrator can do; the message says which command. */
export class HostSetupError extends Error {
  name = 'HostSetupError';
}

/**
 * Runs a command and returns its stdout. A missing program or a failure becomes an error that
 * names the command and carries its stderr, since apt's reasons are only there.
 */
export async function run(command, args, options = {}) {
  try {
    const { stdout } = await execFileAsync(command, args, { maxBuffer: 64 * 1024 * 1024, ...options });
    return stdout;
  } catch (error) {
    if (error.code === 'ENOENT' && DEBIAN_TOOLS.includes(command)) throw notDebian(command);
    const detail = String(error.stderr ?? '').trim() || error.message;
    throw new Error(`${command} ${args.join(' ')} failed: ${detail}`, { cause: error });
  }
}

/**
 * The exact package versions the guest is built from: the kernel package the cloud
 * metapackage currently depends on, and busybox-static. As root, missing package lists are
 * fetched with `apt-get update`; otherwise the error says which command to run.
 *
 * @returns {Promise<{ kernel: { name: string, version: string }, busybox: { name: string, version: string } }>}
 */
export async function resolveGuestPackages({ log }) {
  let records = await candidates([KERNEL_METAPACKAGE, BUSYBOX_PACKAGE]);
  if (records.size < 2) {
    await refreshLists(log, `apt knows no ${[KERNEL_METAPACKAGE, BUSYBOX_PACKAGE].filter((p) => !records.has(p)).join(' or ')}`);
    records = await candidates([KERNEL_METAPACKAGE, BUSYBOX_PACKAGE]);
  }
  const meta = records.get(KERNEL_METAPACKAGE);
  const busybox = records.get(BUSYBOX_PACKAGE);
  if (meta === undefined || busybox === undefined) {
    throw new HostSetupError(`apt has no candidate for ${meta ? BUSYBOX_PACKAGE : KERNEL_METAPACKAGE} even after apt-get update: the demo guest needs Debian's main archive for amd64 in the apt sources`);
  }
  return { kernel: await kernelDependency(meta), busybox: { name: BUSYBOX_PACKAGE, version: field(busybox, 'Version') } };
}

/**
 * Downloads `name=version` into debDir as `<name>_<version>.deb` unless it is already there,
 * and returns its path. The file is checked with dpkg-deb, so a truncated download is refetched.
 */
export async function downloadPackage({ name, version }, debDir, { log }) {
  const target = path.join(debDir, `${name}_${version.replaceAll(':', '%3a')}.deb`);
  if (await isPackageFile(target, name, version)) return target;

  const fetchInto = async () => {
    // A fresh directory per download: apt-get download picks its own file name.
    const dir = await mkdtemp(path.join(debDir, `.download-${process.pid}-`));
    try {
      await run('apt-get', ['download', `${name}=${version}`], { cwd: dir });
      const [file, ...extra] = (await readdir(dir)).filter((f) => f.endsWith('.deb'));
      if (file === undefined || extra.length > 0) throw new Error(`apt-get download ${name}=${version} left ${extra.length + (file ? 1 : 0)} .deb files`);
      if (!(await isPackageFile(path.join(dir, file), name, version))) throw new Error(`apt-get download ${name}=${version} gave a file that is not that package`);
      await rename(path.join(dir, file), target);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  log(`Downloading ${name} ${version}…`);
  try {
    await fetchInto();
  } catch (error) {
    if (error instanceof HostSetupError) throw error;
    // Stale lists name a version the mirror no longer has (security updates replace them).
    await refreshLists(log, `downloading ${name} ${version} failed (${error.message})`);
    await fetchInto();
  }
  return target;
}

/** Where apt keeps what decides a candidate version: the downloaded lists and its configuration. */
const APT_STATE_DIRS = ['/var/lib/apt/lists', '/etc/apt'];

/**
 * A fingerprint of apt's state (names, sizes and mtimes of its lists and configuration). While
 * it is unchanged, the candidate versions are too, so a cached guest can be reused without
 * asking apt, which takes a second or more when apt keeps no binary cache (Debian's container
 * images). Null when APT_CONFIG points apt elsewhere: then apt is always asked.
 */
export async function aptStateStamp() {
  if (process.env.APT_CONFIG !== undefined) return null;
  const hash = createHash('sha256');
  for (const dir of APT_STATE_DIRS) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = entries.filter((e) => e.isFile() && e.name !== 'lock').map((e) => path.join(e.parentPath, e.name));
    for (const file of files.sort()) {
      const info = await stat(file).catch(() => null);
      if (info !== null) hash.update(`${file}\0${info.size}\0${info.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

/** Unpacks a .deb's files (not its scripts) under dir, as dpkg would install them. */
export async function extractPackage(deb, dir) {
  await run('dpkg-deb', ['-x', deb, dir]);
}

/** `apt-cache show` of the candidate versions, as package name → control fields. */
async function candidates(packages) {
  // apt-cache exits non-zero when any name is unknown but still prints the ones it knows.
  const stdout = await execFileAsync('apt-cache', ['show', '--no-all-versions', ...packages], { maxBuffer: 64 * 1024 * 1024 }).then(
    (result) => result.stdout,
    (error) => {
      if (error.code === 'ENOENT') throw notDebian('apt-cache');
      return String(error.stdout ?? '');
    },
  );
  const records = new Map();
  for (const paragraph of stdout.split(/\n\s*\n/)) {
    const fields = parseControl(paragraph);
    const name = fields.get('Package');
    if (name !== undefined && packages.includes(name) && !records.has(name)) records.set(name, fields);
  }
  return records;
}

/** The `linux-image-<abi>-cloud-amd64 (= version)` dependency of the metapackage. */
async function kernelDependency(meta) {
  const depends = field(meta, 'Depends');
  for (const alternative of depends.split(/[,|]/)) {
    const match = /^\s*(linux-image-\S+)\s*(?:\(\s*=\s*([^)\s]+)\s*\))?\s*$/.exec(alternative);
    if (match?.[1] === undefined) continue;
    const name = match[1];
    if (match[2] !== undefined) return { name, version: match[2] };
    // Not pinned by the metapackage: take apt's candidate for the kernel package itself.
    const records = await candidates([name]);
    const record = records.get(name);
    if (record !== undefined) return { name, version: field(record, 'Version') };
  }
  throw new Error(`${KERNEL_METAPACKAGE} ${field(meta, 'Version')} depends on no linux-image package apt knows (Depends: ${depends})`);
}

function notDebian(command) {
  return new HostSetupError(`${command} was not found: the demo guest is built from Debian packages with apt and dpkg, so it needs a Debian (or derived) host`);
}

/** Runs `apt-get update` as root; as a normal user, stops with the command to run. */
async function refreshLists(log, reason) {
  if (!isRoot()) {
    throw new HostSetupError(`${reason}. The demo guest is built from Debian packages; refresh apt's package lists first:\n\n  sudo apt-get update\n`);
  }
  log(`${reason}: running apt-get update…`);
  await run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

async function isPackageFile(file, name, version) {
  if (!(await stat(file).then((s) => s.isFile(), () => false))) return false;
  try {
    const fields = parseControl(await run('dpkg-deb', ['-f', file, 'Package', 'Version']));
    return fields.get('Package') === name && fields.get('Version') === version;
  } catch {
    return false;
  }
}

/** Parses one deb822 paragraph (continuation lines start with a space). */
function parseControl(paragraph) {
  const fields = new Map();
  let last;
  for (const line of paragraph.split('\n')) {
    if (/^\s/.test(line) && last !== undefined) {
      fields.set(last, `${fields.get(last)}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    fields.set(last, line.slice(colon + 1).trim());
  }
  return fields;
}

function field(fields, name) {
  const value = fields.get(name);
  if (value === undefined) throw new Error(`apt's record for ${fields.get('Package') ?? 'a package'} has no ${name} field`);
  return value;
}
