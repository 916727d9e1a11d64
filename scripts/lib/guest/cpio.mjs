// A writer for the "newc" cpio format, the only archive format the Linux kernel unpacks as
// an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). Written here so
// building the demo guest needs neither root (device nodes are just header fields) nor the
// `cpio` tool, and so the archive is byte-for-byte reproducible (fixed mtime, owner, inodes).

/** File type bits of st_mode, per entry kind. */
const TYPE_BITS = Object.freeze({
  dir: 0o040000,
  file: 0o100000,
  symlink: 0o120000,
  char: 0o020000,
});

const MAGIC = '070701';
const HEADER_SIZE = 110;
const TRAILER = 'TRAILER!!!';

export class CpioArchive {
  /** @type {Buffer[]} */
  #chunks = [];
  #size = 0;
  #nextInode = 1;
  /** @type {Set<string>} */
  #paths = new Set();

  /** Adds a directory (and any missing parents). */
  directory(path, mode = 0o755) {
    const name = this.#claim(path);
    this.#entry(name, TYPE_BITS.dir | mode, Buffer.alloc(0), { nlink: 2 });
  }

  /** Adds a regular file with the given content (Buffer or string). */
  file(path, data, mode = 0o644) {
    const name = this.#claim(path);
    this.#entry(name, TYPE_BITS.file | mode, Buffer.isBuffer(data) ? data : Buffer.from(data));
  }

  /** Adds a symbolic link; the kernel reads the body as the target, without a NUL. */
  symlink(path, target) {
    const name = this.#claim(path);
    this.#entry(name, TYPE_BITS.symlink | 0o777, Buffer.from(target));
  }

  /** Adds a character device node (e.g. /dev/console, which init needs before devtmpfs is mounted). */
  charDevice(path, major, minor, mode = 0o600) {
    const name = this.#claim(path);
    this.#entry(name, TYPE_BITS.char | mode, Buffer.alloc(0), { rdevMajor: major, rdevMinor: minor });
  }

  has(path) {
    return this.#paths.has(normalise(path));
  }

  /** Appends the trailer and returns the whole archive; the archive cannot be added to afterwards. */
  finish() {
    this.#append(header(TRAILER, { inode: 0, mode: 0, nlink: 1, size: 0, rdevMajor: 0, rdevMinor: 0 }));
    this.#append(pad(HEADER_SIZE + TRAILER.length + 1));
    const archive = Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    return archive;
  }

  /**
   * Validates and records a path, first adding its missing parent directories: the kernel's
   * unpacker does not create parents, it silently skips entries whose directory is missing.
   */
  #claim(path) {
    const name = normalise(path);
    if (this.#paths.has(name)) throw new Error(`cpio: "${name}" is added twice`);
    const slash = name.lastIndexOf('/');
    if (slash > 0 && !this.#paths.has(name.slice(0, slash))) this.directory(name.slice(0, slash));
    this.#paths.add(name);
    return name;
  }

  #entry(name, mode, data, { nlink = 1, rdevMajor = 0, rdevMinor = 0 } = {}) {
    const inode = this.#nextInode++;
    this.#append(header(name, { inode, mode, nlink, size: data.length, rdevMajor, rdevMinor }));
    this.#append(pad(HEADER_SIZE + Buffer.byteLength(name) + 1));
    this.#append(data);
    this.#append(pad(data.length));
  }

  #append(chunk) {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }
}

function normalise(path) {
  const name = String(path).replace(/^\/+/, '').replace(/\/+$/, '');
  if (name === '' || name.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`cpio: "${path}" is not a clean relative path`);
  }
  return name;
}

/** The 110-byte ASCII header followed by the NUL-terminated name. Owner is root, mtime 0. */
function header(name, { inode, mode, nlink, size, rdevMajor, rdevMinor }) {
  const nameSize = Buffer.byteLength(name) + 1;
  const fields = [inode, mode, 0, 0, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, nameSize, 0];
  for (const value of fields) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`cpio: "${name}" has a field out of range (${value})`);
  }
  const hex = fields.map((value) => value.toString(16).padStart(8, '0')).join('');
  return Buffer.from(`${MAGIC}${hex}${name}\0`);
}

/** Zero bytes that bring `length` up to the next multiple of four. */
function pad(length) {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
