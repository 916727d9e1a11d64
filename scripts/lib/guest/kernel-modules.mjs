// Picks kernel modules out of an unpacked Debian kernel package and orders them for insmod.
// Debian ships no modules.dep in the package (depmod runs at install time, which we skip), so
// the dependencies are read from each module's own .modinfo section, as modinfo(8) does.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';

const execFileAsync = promisify(execFile);

/** Module file suffixes Debian kernels use, longest first so `.ko` does not shadow `.ko.xz`. */
const MODULE_SUFFIXES = ['.ko.xz', '.ko.gz', '.ko.zst', '.ko'];

/** Module names use underscores; file names may use dashes (virtio-rng.ko is virtio_rng). */
export function moduleName(fileName) {
  const base = path.basename(fileName);
  const suffix = MODULE_SUFFIXES.find((s) => base.endsWith(s));
  return (suffix ? base.slice(0, -suffix.length) : base).replaceAll('-', '_');
}

/**
 * Reads lib/modules/<version> of an unpacked kernel package: the names of built-in modules
 * (from modules.builtin) and a map from module name to its file.
 */
export async function indexModules(modulesDir) {
  const builtinList = await readFile(path.join(modulesDir, 'modules.builtin'), 'utf8').catch((error) => {
    throw new Error(`${modulesDir}: cannot read modules.builtin (${error.message})`);
  });
  const builtin = new Set(builtinList.split('\n').filter(Boolean).map(moduleName));
  const files = new Map();
  const entries = await readdir(path.join(modulesDir, 'kernel'), { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (entry.isFile() && MODULE_SUFFIXES.some((s) => entry.name.endsWith(s))) {
      files.set(moduleName(entry.name), path.join(entry.parentPath, entry.name));
    }
  }
  return { builtin, files };
}

/**
 * Resolves the wanted modules and their dependencies into load order (dependencies first),
 * returning each module's uncompressed ELF. Built-in modules need no loading and are skipped;
 * a wanted module the kernel has neither built in nor as a file is an error if required.
 *
 * @param {{ name: string, required: boolean }[]} wanted
 * @param {{ builtin: Set<string>, files: Map<string, string> }} index from indexModules
 * @param {string} busybox a busybox binary, used to decompress `.ko.xz` (its xzcat applet)
 * @returns {Promise<{ ordered: { name: string, elf: Buffer }[], builtin: string[], absent: string[] }>}
 */
export async function resolveLoadOrder(wanted, index, busybox) {
  const ordered = [];
  const builtin = [];
  const absent = [];
  const state = new Map(); // name → 'visiting' | 'done'

  const visit = async (name, chain) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`kernel modules depend on each other in a cycle: ${[...chain, name].join(' → ')}`);
    state.set(name, 'visiting');
    const file = index.files.get(name);
    if (file === undefined) throw new Error(`kernel module ${name} (needed by ${chain.at(-1)}) is neither built in nor in the package`);
    const elf = await readModule(file, busybox);
    for (const dependency of modinfo(elf, file).get('depends') ?? []) {
      for (const dep of dependency.split(',').filter(Boolean)) {
        if (!index.builtin.has(dep)) await visit(dep, [...chain, name]);
      }
    }
    state.set(name, 'done');
    ordered.push({ name, elf });
  };

  for (const { name, required } of wanted) {
    if (index.builtin.has(name)) builtin.push(name);
    else if (index.files.has(name)) await visit(name, []);
    else if (required) throw new Error(`kernel module ${name} is neither built in nor in the package, and the demo guest needs it`);
    else absent.push(name);
  }
  return { ordered, builtin, absent };
}

/** Returns a module's ELF, decompressing it: busybox insmod only loads plain ELF files. */
async function readModule(file, busybox) {
  if (file.endsWith('.ko')) return readFile(file);
  if (file.endsWith('.ko.gz')) return gunzipSync(await readFile(file));
  if (file.endsWith('.ko.xz')) {
    // The static busybox we just unpacked runs on the host too, so this needs no xz-utils.
    const { stdout } = await execFileAsync(busybox, ['xzcat', file], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  }
  throw new Error(`${file}: compressed with a format the demo guest builder cannot unpack (only .ko, .ko.gz and .ko.xz)`);
}

/**
 * Parses the .modinfo section of a 64-bit little-endian ELF relocatable (a kernel module):
 * NUL-separated `key=value` strings. Returns key → values (a key such as `alias` repeats).
 */
export function modinfo(elf, where = 'module') {
  const fail = (why) => {
    throw new Error(`${where}: not a readable x86-64 kernel module (${why})`);
  };
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) fail('no ELF magic');
  if (elf[4] !== 2 || elf[5] !== 1) fail('not 64-bit little-endian');
  const sectionTable = Number(elf.readBigUInt64LE(0x28));
  const entrySize = elf.readUInt16LE(0x3a);
  const count = elf.readUInt16LE(0x3c);
  const namesIndex = elf.readUInt16LE(0x3e);
  if (entrySize < 64 || sectionTable + entrySize * count > elf.length || namesIndex >= count) fail('section table out of bounds');

  const section = (i) => {
    const at = sectionTable + i * entrySize;
    const offset = Number(elf.readBigUInt64LE(at + 24));
    const size = Number(elf.readBigUInt64LE(at + 32));
    if (offset + size > elf.length) fail(`section ${i} out of bounds`);
    return { nameOffset: elf.readUInt32LE(at), data: elf.subarray(offset, offset + size) };
  };
  const names = section(namesIndex).data;
  const nameOf = (offset) => names.toString('latin1', offset, names.indexOf(0, offset));

  const info = new Map();
  for (let i = 0; i < count; i++) {
    const { nameOffset, data } = section(i);
    if (nameOf(nameOffset) !== '.modinfo') continue;
    for (const field of data.toString('latin1').split('\0')) {
      const eq = field.indexOf('=');
      if (eq <= 0) continue;
      const key = field.slice(0, eq);
      info.set(key, [...(info.get(key) ?? []), field.slice(eq + 1)]);
    }
    return info;
  }
  return fail('no .modinfo section');
}
