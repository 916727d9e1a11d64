/**
 * Huge pages on this host: the pools the kernel keeps (/sys/kernel/mm/hugepages) with how many
 * pages are free, the hugetlbfs mounts by page size, and the folder a guest's huge-page RAM is
 * made in (`virtdeck/ID` on the mount, QEMU's user's, as libvirt's `libvirt/qemu/ID-NAME`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { QemuUser } from '../confine/qemuUser.js';
import { mountsOf } from './memoryCgroup.js';

export interface HugepageHost {
  /** /proc/meminfo's Hugepagesize: what <hugepages/> without a <page> means. */
  defaultKiB: number;
  /** Free pages of each size the kernel has a pool of, by size in KiB. */
  free: ReadonlyMap<number, number>;
  /** A hugetlbfs mount of each page size, by size in KiB. */
  mounts: ReadonlyMap<number, string>;
}

const POOLS = '/sys/kernel/mm/hugepages';

export async function hugepageHost(): Promise<HugepageHost> {
  const meminfo = await fs.readFile('/proc/meminfo', 'utf8').catch(() => '');
  const defaultKiB = Number(/^Hugepagesize:\s*(\d+) kB$/m.exec(meminfo)?.[1] ?? 2048);
  const free = new Map<number, number>();
  for (const entry of await fs.readdir(POOLS).catch(() => [] as string[])) {
    const size = /^hugepages-(\d+)kB$/.exec(entry)?.[1];
    if (size === undefined) continue;
    const count = Number((await fs.readFile(path.join(POOLS, entry, 'free_hugepages'), 'utf8').catch(() => '0')).trim());
    free.set(Number(size), count);
  }
  const mounts = new Map<number, string>();
  for (const mount of await mountsOf('hugetlbfs')) {
    const option = mount.options.find((o) => o.startsWith('pagesize='))?.slice('pagesize='.length);
    const size = option === undefined ? defaultKiB : sizeKiB(option);
    if (size !== undefined && !mounts.has(size)) mounts.set(size, mount.dir);
  }
  return { defaultKiB, free, mounts };
}

/** hugetlbfs' pagesize option (2M, 1G, 2097152) in KiB. */
function sizeKiB(option: string): number | undefined {
  const match = /^(\d+)([KMG]?)$/i.exec(option);
  if (!match) return undefined;
  const factor = { '': 1 / 1024, K: 1, M: 1024, G: 1024 * 1024 }[(match[2] ?? '').toUpperCase()] ?? 1;
  return Number(match[1]) * factor;
}

/** The guest's folder on a hugetlbfs mount, named after its run folder. */
export function guestHugepageDir(mount: string, runDir: string): string {
  return path.join(mount, 'virtdeck', createHash('sha256').update(runDir).digest('hex').slice(0, 16));
}

/** Makes the guest's folders on the mounts of the sizes it uses, writable by QEMU's user. */
export async function prepareHugepageDirs(host: HugepageHost, sizes: readonly number[], runDir: string, user?: QemuUser): Promise<Record<number, string>> {
  const dirs: Record<number, string> = {};
  for (const size of sizes) {
    const mount = host.mounts.get(size);
    if (mount === undefined) continue;
    const dir = guestHugepageDir(mount, runDir);
    // QEMU's user passes through the shared folder and writes only in its own.
    await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o711 });
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (user) await fs.chown(dir, user.uid, user.gid);
    dirs[size] = dir;
  }
  return dirs;
}

/** Removes the guest's folders once QEMU is gone (QEMU unlinks its file at once; an absent folder is fine). */
export async function removeHugepageDirs(runDir: string): Promise<void> {
  for (const mount of await mountsOf('hugetlbfs')) {
    await fs.rm(guestHugepageDir(mount.dir, runDir), { recursive: true, force: true });
  }
}
