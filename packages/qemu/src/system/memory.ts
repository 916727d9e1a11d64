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

/** Properties shared by RAM backends: file/memfd source, sharing, preallocation. */
function backendBase(ctx: BuildContext, id: string, sizeKiB: number, backingPath: string | undefined): JsonObject {
  const backing = ctx.domain.memoryBacking;
  const props: JsonObject = { 'qom-type': 'memory-backend-ram', id };
  if (backing?.source === 'file' || backingPath !== undefined) {
    props['qom-type'] = 'memory-backend-file';
    // A directory: QEMU creates an unlinked file in it. The run directory when launching.
    props['mem-path'] = backingPath ?? (ctx.runtime ? `${dirname(ctx.runtime.qmpSocket)}` : '/dev/shm');
  } else if (backing?.source === 'memfd') {
    props['qom-type'] = 'memory-backend-memfd';
  }
  if (backing?.access === 'shared') props.share = true;
  if (props['qom-type'] === 'memory-backend-file') props['x-use-canonical-path-for-ramblock-id'] = false;
  if (backing?.allocation?.mode === 'immediate') props.prealloc = true;
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
  if (backing?.hugepages) {
    diagnostics.unsupported(backing.hugepages.node, 'Huge page backing (<hugepages>)', false);
  }
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
    const props = backendBase(ctx, backend, alignUp(cell.memoryKiB ?? 0, MiB_IN_KiB), undefined);
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
