/**
 * Every host file a definition makes QEMU open, read, write or create, with the element
 * that names it. The list drives the pre-flight checks (before anything is opened) and the
 * launch plan (which files QEMU gets as open descriptors). A model handed to `assign`
 * callbacks is mutated: use a fresh parse of the definition for the launch.
 */
import { libvirtRuntimeFile } from '@virtdeck/qemu';
import { firstChild, type CharDevice, type Disk, type Domain, type XmlElement } from '@virtdeck/schema';

/** What a host file is to the guest; the editor and the start error name it this way. */
export const HOST_FILE_ROLES = {
  disk: 'disk image',
  cdrom: 'CD-ROM image',
  floppy: 'floppy image',
  backing: 'backing image',
  directory: 'directory shared as a disk',
  kernel: 'kernel',
  initrd: 'initrd',
  dtb: 'device tree',
  loader: 'firmware',
  nvram: 'NVRAM store',
  'nvram-template': 'NVRAM template',
  'acpi-table': 'ACPI table',
  'chardev-output': 'character device output file',
  'chardev-log': 'character device log file',
  'chardev-socket': 'character device socket',
} as const;
export type HostFileRole = keyof typeof HOST_FILE_ROLES;

/**
 * How QEMU uses the file. `read`/`write` open an existing file; `create` opens for writing and
 * creates it when missing (truncating it unless `append`); `socket` binds a listening socket,
 * replacing whatever is at the path.
 */
export type HostFileUse = 'read' | 'write' | 'create' | 'socket';

/** What kind of file system object the element expects. */
export type HostFileKind = 'file' | 'block' | 'directory';

export interface HostFile {
  path: string;
  role: HostFileRole;
  use: HostFileUse;
  kind: HostFileKind;
  /** For `create`: the start empties an existing file (append off, QEMU's default). */
  truncate: boolean;
  /** The element the editor marks. */
  node: XmlElement;
  /** "disk vda", "serial port 0", "<kernel>": where the user finds it. */
  where: string;
  /** The disk a disk or backing image belongs to; for the backing-chain probe. */
  disk?: Disk;
  /**
   * QEMU opens it with plain open()/fopen() (kernel, initrd, -bios), which knows nothing of
   * fd sets: a descriptor for it is reached through /proc/self/fd instead.
   */
  plainOpen: boolean;
  /** Missing is no error: the drive starts empty (`startupPolicy='optional'`). */
  optional: boolean;
  /** Points the model at another path (a passed descriptor); see the module comment. */
  assign(path: string): void;
  /**
   * For `create` files: tells QEMU to append. The server then empties the file itself once
   * the start has succeeded (QEMU would empty it at open, even when the start fails later).
   */
  appendInstead?(): void;
}

/** The host files of a definition, in document order of their elements. */
export function collectHostFiles(domain: Domain): HostFile[] {
  return [...osFiles(domain), ...domain.devices.disks.flatMap(diskFiles), ...charDevices(domain).flatMap(charDevFiles)];
}

function osFiles(domain: Domain): HostFile[] {
  const { os } = domain;
  const files: HostFile[] = [];
  const osNode = os.node;
  if (!osNode) return files;
  const plain = (role: HostFileRole, path: string, node: XmlElement, use: HostFileUse, assign: (p: string) => void): HostFile => ({
    path,
    role,
    use,
    kind: 'file',
    truncate: false,
    node,
    where: `<${node.name}>`,
    plainOpen: role !== 'nvram' && role !== 'nvram-template',
    optional: false,
    assign,
  });
  for (const key of ['kernel', 'initrd', 'dtb'] as const) {
    const path = os[key];
    const node = firstChild(osNode, key);
    if (path && node) files.push(plain(key, path, node, 'read', (p) => (os[key] = p)));
  }
  const loader = os.loader;
  if (loader?.path) {
    const writable = loader.type === 'pflash' && loader.readonly !== true;
    files.push({ ...plain('loader', loader.path, loader.node, writable ? 'write' : 'read', (p) => (loader.path = p)), plainOpen: loader.type !== 'pflash' });
  }
  const nvram = os.nvram;
  if (nvram?.template) files.push(plain('nvram-template', nvram.template, nvram.node, 'read', (p) => (nvram.template = p)));
  // With a template the store is made from it when missing; without one it must exist.
  if (nvram?.path) files.push({ ...plain('nvram', nvram.path, nvram.node, 'write', (p) => (nvram.path = p)), optional: nvram.template !== undefined });
  for (const table of os.acpiTables) {
    if (table.path) files.push(plain('acpi-table', table.path, table.node, 'read', (p) => (table.path = p)));
  }
  return files;
}

function diskFiles(disk: Disk): HostFile[] {
  const name = disk.target?.dev ?? disk.device;
  const files: HostFile[] = [];
  const source = disk.source;
  const top = layerFile(disk.type, source);
  if (source && top) {
    const role: HostFileRole = top.kind === 'directory' ? 'directory' : disk.device === 'cdrom' ? 'cdrom' : disk.device === 'floppy' ? 'floppy' : 'disk';
    const readOnly = disk.readonly || disk.device === 'cdrom';
    const removable = disk.device === 'cdrom' || disk.device === 'floppy';
    files.push({
      path: top.path,
      role,
      use: readOnly ? 'read' : 'write',
      kind: top.kind,
      truncate: false,
      node: source.node,
      where: `disk ${name}`,
      disk,
      plainOpen: false,
      optional: removable && source.startupPolicy === 'optional',
      assign: (p) => top.assign(p),
    });
  }
  disk.backingChain.forEach((layer, i) => {
    const file = layerFile(layer.type ?? 'file', layer.source);
    if (!layer.source || !file) return;
    files.push({
      path: file.path,
      role: 'backing',
      use: 'read',
      kind: file.kind,
      truncate: false,
      node: layer.source.node,
      where: `disk ${name}, backing image ${i + 1}`,
      disk,
      plainOpen: false,
      optional: false,
      assign: (p) => file.assign(p),
    });
  });
  return files;
}

/** The host path of one image layer, for the source types that name one. */
function layerFile(type: string, source: Disk['source']): { path: string; kind: HostFileKind; assign(p: string): void } | undefined {
  if (!source) return undefined;
  if (type === 'file' && source.file) return { path: source.file, kind: 'file', assign: (p) => (source.file = p) };
  if (type === 'block' && source.dev) return { path: source.dev, kind: 'block', assign: (p) => (source.dev = p) };
  if (type === 'dir' && source.dir) return { path: source.dir, kind: 'directory', assign: (p) => (source.dir = p) };
  return undefined;
}

function charDevices(domain: Domain): CharDevice[] {
  const { serials, parallels, consoles, channels } = domain.devices;
  return [...serials, ...parallels, ...consoles, ...channels];
}

function charDevFiles(chr: CharDevice): HostFile[] {
  const where = `${chr.kind} ${chr.target?.port ?? chr.target?.name ?? ''}`.trim();
  const files: HostFile[] = [];
  const common = { kind: 'file' as const, where, optional: false, plainOpen: false };
  /** An output QEMU creates, emptied at open unless it appends. */
  const output = (role: HostFileRole, holder: { append?: boolean; node: XmlElement }, file: string, assign: (p: string) => void): HostFile => ({
    ...common,
    path: file,
    role,
    use: 'create',
    truncate: holder.append !== true,
    node: holder.node,
    assign,
    appendInstead: () => (holder.append = true),
  });
  const source = chr.source;
  if (chr.type === 'file' && source?.path) files.push(output('chardev-output', source, source.path, (p) => (source.path = p)));
  // A socket named in a libvirt host's runtime folder is made in the guest's run folder instead.
  if (chr.type === 'unix' && source?.path && (source.mode ?? 'bind') === 'bind' && libvirtRuntimeFile(source.path) === undefined) {
    files.push({ ...common, path: source.path, role: 'chardev-socket', use: 'socket', truncate: false, node: source.node, assign: (p) => (source.path = p) });
  }
  const log = chr.log;
  if (log?.file) files.push(output('chardev-log', log, log.file, (p) => (log.file = p)));
  return files;
}
