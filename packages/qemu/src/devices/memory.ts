/** Hot-pluggable memory: DIMMs with their own memory backend. */
import type { BuildContext } from '../build/context.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';
import { dimmSizeKiB } from '../system/memory.js';
import { parseCpuset } from '@virtdeck/schema';

export function buildMemoryDeviceArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  let slot = 0;
  for (const mem of ctx.domain.devices.memories) {
    if (mem.model !== 'dimm') {
      ctx.diagnostics.unsupported(mem.node, `Memory device model '${mem.model ?? '?'}'`, true);
      continue;
    }
    const id = ctx.layout.alias.get(mem) ?? `dimm${slot}`;
    const backend = `mem${id}`;
    const size = dimmSizeKiB(mem.target?.sizeKiB ?? 0);
    const object: JsonObject = { 'qom-type': 'memory-backend-ram', id: backend };
    if (mem.source?.pagesizeKiB !== undefined) {
      ctx.diagnostics.unsupported(mem.source.node, 'Huge pages for a DIMM (<pagesize>)', false);
    }
    object.size = size * 1024;
    const nodes = mem.source?.nodemask === undefined ? undefined : parseCpuset(mem.source.nodemask);
    if (nodes) {
      object['host-nodes'] = nodes;
      object.policy = 'bind';
    }
    options.push({ flag: '-object', value: jsonOption(object) });
    const dimmSlot = mem.address?.type === 'dimm' ? ((mem.address as { slot?: number }).slot ?? slot) : slot;
    options.push({ flag: '-device', value: jsonOption({ driver: 'pc-dimm', node: mem.target?.node, memdev: backend, id, slot: dimmSlot }) });
    slot = dimmSlot + 1;
  }
  return options;
}
