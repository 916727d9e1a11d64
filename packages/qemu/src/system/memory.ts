/** -m, the main RAM backend, -overcommit, NUMA nodes and their memory. */
import { parseCpuset, type Domain, type NumaCell } from '@virtdeck/schema';
import type { BuildContext } from '../build/context.js';
import { jsonOption, keyValue, type JsonObject, type QemuOption } from '../options.js';

const MiB_IN_KiB = 1024;
/** What QEMU's CPU models address with their default 40 physical address bits (1 TiB), in KiB. */
const ADDRESSABLE_KiB = 2 ** 30;
/** x86 hot-pluggable memory is aligned to 2 MiB. */
const DIMM_ALIGN_KiB = 2048;

export const alignUp = (kib: number, to: number): number => Math.ceil(kib / to) * to;

export function hasNuma(domain: Domain): boolean {
  return (domain.cpu?.numa?.cells.length ?? 0) > 0;
}

/** Size of each hot-pluggable DIMM after alignment, in KiB. */
export function dimmSizeKiB(sizeKiB: number): number {
  return alignUp(sizeKiB, DIMM_ALIGN_KiB);
}

/** Guest RAM at start in KiB: the NUMA cells, or the total minus the DIMMs, aligned to 1 MiB. */
export function initialMemoryKiB(domain: Domain): number {
  const cells = domain.cpu?.numa?.cells ?? [];
  if (cells.length > 0) return cells.reduce((sum, cell) => sum + alignUp(cell.memoryKiB ?? 0, MiB_IN_KiB), 0);
  const dimms = domain.devices.memories
    .filter((m) => m.model === 'dimm' || m.model === 'nvdimm')
    .reduce((sum, m) => sum + dimmSizeKiB(m.target?.sizeKiB ?? 0), 0);
  return alignUp(Math.max(0, (domain.memory?.kib ?? 0) - dimms), MiB_IN_KiB);
}

/** The memory backend id the machine type expects for its RAM (pc.ram on pc and q35). */
export function ramBackendId(ctx: BuildContext): string | undefined {
  if (ctx.machine.type?.defaultRamId) return ctx.machine.type.defaultRamId;
  if (ctx.machine.chipset === 'i440fx' || ctx.machine.chipset === 'q35' || ctx.machine.chipset === 'isapc') return 'pc.ram';
  if (ctx.machine.chipset === 'microvm') return 'microvm.ram';
  return undefined;
}

/** Host NUMA binding for a backend from <numatune><memory>, when it can be expressed. */
function hostNodes(nodeset: string | undefined, mode: string | undefined): JsonObject {
  if (nodeset === undefined) return {};
  const nodes = parseCpuset(nodeset);
  if (!nodes) return {};
  const policy = mode === 'preferred' ? 'preferred' : mode === 'interleave' ? 'interleave' : mode === 'restrictive' ? undefined : 'bind';
  if (policy === undefined) return {};
  return { 'host-nodes': nodes, policy };
}

/** x86's default huge page size, which a <hugepages/> without a <page> means unless the host says otherwise. */
export const DEFAULT_HUGEPAGE_KiB = 2048;

/**
 * The huge page size backing a guest NUMA cell (all RAM: `cell` undefined), or undefined for
 * ordinary pages: the page whose nodeset names the cell, else the one without a nodeset.
 */
export function hugepageSizeKiB(domain: Domain, cell: number | undefined, hostDefaultKiB = DEFAULT_HUGEPAGE_KiB): number | undefined {
  const hugepages = domain.memoryBacking?.hugepages;
  if (!hugepages) return undefined;
  // A guest without NUMA cells is node 0, as libvirt counts it.
  const node = cell ?? 0;
  const forCell = hugepages.pages.find((p) => p.nodeset !== undefined && parseCpuset(p.nodeset)?.includes(node));
  const general = hugepages.pages.find((p) => p.nodeset === undefined);
  if (hugepages.pages.length > 0 && !forCell && !general) return undefined;
  return (forCell ?? general)?.sizeKiB ?? hostDefaultKiB;
}

/**
 * The huge pages a guest's RAM takes at start, by page size: how much RAM (KiB) and whether
 * it is a file on a hugetlbfs mount (memfd takes its pages without one). For the host check.
 */
export function hugepageNeeds(domain: Domain, hostDefaultKiB = DEFAULT_HUGEPAGE_KiB): Array<{ pageKiB: number; ramKiB: number; needsMount: boolean }> {
  const needs = new Map<number, { pageKiB: number; ramKiB: number; needsMount: boolean }>();
  const needsMount = domain.memoryBacking?.source !== 'memfd';
  const add = (pageKiB: number | undefined, ramKiB: number) => {
    if (pageKiB === undefined) return;
    const need = needs.get(pageKiB) ?? { pageKiB, ramKiB: 0, needsMount };
    need.ramKiB += ramKiB;
    needs.set(pageKiB, need);
  };
  const cells = domain.cpu?.numa?.cells ?? [];
  if (cells.length === 0) add(hugepageSizeKiB(domain, undefined, hostDefaultKiB), initialMemoryKiB(domain));
  cells.forEach((cell, i) => add(hugepageSizeKiB(domain, cell.id ?? i, hostDefaultKiB), alignUp(cell.memoryKiB ?? 0, MiB_IN_KiB)));
  return [...needs.values()];
}

/**
 * Where huge-page-backed RAM lives: the folder the server made on a hugetlbfs mount of that
 * size, or (preview) one under the usual mount, as libvirt names it. Whether the host has the
 * mount and the free pages is the server's pre-flight to say.
 */
function hugepagePath(ctx: BuildContext, sizeKiB: number): string {
  return ctx.runtime?.hugepageDirs?.[sizeKiB] ?? `/dev/hugepages/libvirt/qemu/${ctx.domain.name}`;
}

/** Properties shared by RAM backends: file/memfd/huge page source, sharing, preallocation. */
function backendBase(ctx: BuildContext, id: string, sizeKiB: number, cell: number | undefined): JsonObject {
  const backing = ctx.domain.memoryBacking;
  const props: JsonObject = { 'qom-type': 'memory-backend-ram', id };
  const pageKiB = hugepageSizeKiB(ctx.domain, cell, ctx.runtime?.defaultHugepageKiB);
  if (pageKiB !== undefined && backing?.source === 'memfd') {
    // memfd takes huge pages from the kernel directly: no hugetlbfs mount is needed.
    Object.assign(props, { 'qom-type': 'memory-backend-memfd', hugetlb: true, hugetlbsize: pageKiB * 1024 });
  } else if (pageKiB !== undefined) {
    props['qom-type'] = 'memory-backend-file';
    props['mem-path'] = hugepagePath(ctx, pageKiB);
  } else if (backing?.source === 'file') {
    props['qom-type'] = 'memory-backend-file';
    // A directory: QEMU creates an unlinked file in it. The run directory when launching.
    props['mem-path'] = ctx.runtime ? `${dirname(ctx.runtime.qmpSocket)}` : '/dev/shm';
  } else if (backing?.source === 'memfd') {
    props['qom-type'] = 'memory-backend-memfd';
  }
  if (backing?.access === 'shared') props.share = true;
  if (props['qom-type'] === 'memory-backend-file') props['x-use-canonical-path-for-ramblock-id'] = false;
  // Huge pages are allocated up front, as libvirt does: a guest that could not get them all would die later.
  if (backing?.allocation?.mode === 'immediate' || pageKiB !== undefined) props.prealloc = true;
  if (backing?.discard) props['discard-data'] = true;
  props.size = sizeKiB * 1024;
  return props;
}

function dirname(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? (cut === 0 ? '/' : '.') : path.slice(0, cut);
}

export function buildMemoryArgs(ctx: BuildContext): QemuOption[] {
  const { domain, diagnostics } = ctx;
  const options: QemuOption[] = [];
  if (!domain.memory) {
    diagnostics.error('memory-missing', domain.node, 'The domain has no <memory>: QEMU needs to know the guest RAM size.');
    return options;
  }
  const initial = initialMemoryKiB(domain);
  const pairs: Array<[string, string | number | undefined]> = [['size', `${initial}k`]];
  if (domain.maxMemory) {
    pairs.push(['slots', domain.maxMemory.slots ?? 0], ['maxmem', `${domain.maxMemory.kib}k`]);
    const mode = domain.cpu?.mode;
    if (domain.maxMemory.kib > ADDRESSABLE_KiB && mode !== 'host-passthrough' && mode !== 'maximum' && !domain.cpu?.maxphysaddr) {
      diagnostics.error(
        'invalid-value',
        domain.maxMemory.node,
        'maxMemory is larger than the 1 TiB a CPU model with 40 physical address bits can address: QEMU refuses to start. Lower it, or set <cpu><maxphysaddr>.',
      );
    }
  }
  options.push({ flag: '-m', value: keyValue(pairs) });

  const backing = domain.memoryBacking;
  if (!hasNuma(domain)) {
    const id = ramBackendId(ctx);
    if (id) {
      const props = backendBase(ctx, id, initial, undefined);
      const numaMemory = domain.numatune?.memory;
      if (numaMemory?.placement === 'auto') {
        diagnostics.unsupported(numaMemory.node, "Automatic NUMA placement (placement='auto', which needs numad)", false);
      } else Object.assign(props, hostNodes(numaMemory?.nodeset, numaMemory?.mode));
      options.push({ flag: '-object', value: jsonOption(props) });
    }
  }
  options.push({ flag: '-overcommit', value: keyValue([['mem-lock', backing?.locked === true]]) });
  return options;
}

/** NUMA nodes: one RAM backend per cell, then -numa node, and distances. */
export function buildNumaArgs(ctx: BuildContext): QemuOption[] {
  const cells = ctx.domain.cpu?.numa?.cells ?? [];
  const options: QemuOption[] = [];
  cells.forEach((cell: NumaCell, i) => {
    const id = cell.id ?? i;
    const backend = `ram-node${id}`;
    const props = backendBase(ctx, backend, alignUp(cell.memoryKiB ?? 0, MiB_IN_KiB), id);
    if (cell.memAccess === 'shared') props.share = true;
    const memnode = ctx.domain.numatune?.memnodes.find((m) => m.cellid === id);
    Object.assign(props, hostNodes(memnode?.nodeset ?? ctx.domain.numatune?.memory?.nodeset, memnode?.mode ?? ctx.domain.numatune?.memory?.mode));
    options.push({ flag: '-object', value: jsonOption(props) });
    const cpus = cell.cpus === undefined ? undefined : parseCpuset(cell.cpus);
    if (cell.cpus !== undefined && !cpus) {
      ctx.diagnostics.error('invalid-value', cell.node, `NUMA cell cpus '${cell.cpus}' is not a CPU list such as 0-3,6.`);
    }
    const parts = [`node,nodeid=${id}`];
    for (const range of cpuRanges(cpus ?? [])) parts.push(`cpus=${range}`);
    parts.push(`memdev=${backend}`);
    options.push({ flag: '-numa', value: parts.join(',') });
  });
  cells.forEach((cell, i) => {
    for (const d of cell.distances) {
      if (d.id === undefined || d.value === undefined) continue;
      options.push({ flag: '-numa', value: keyValue([['src', cell.id ?? i], ['dst', d.id], ['val', d.value]], 'dist') });
    }
  });
  return options;
}

/** [0,1,2,5] -> ['0-2', '5'] */
export function cpuRanges(cpus: readonly number[]): string[] {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const out: string[] = [];
  let start = sorted[0];
  let prev = start;
  for (let i = 1; i <= sorted.length; i++) {
    const n = sorted[i];
    if (n !== undefined && prev !== undefined && n === prev + 1) {
      prev = n;
      continue;
    }
    if (start !== undefined && prev !== undefined) out.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = n;
    prev = n;
  }
  return out;
}
