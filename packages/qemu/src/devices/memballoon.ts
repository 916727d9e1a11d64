/** The memory balloon (virtio), which libvirt adds to every pc/q35 guest unless model='none'. */
import type { MEMBALLOON_MODELS } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type QemuOption } from '../options.js';

const DRIVERS: Record<string, string | undefined> = {
  virtio: 'virtio-balloon-pci',
  'virtio-transitional': 'virtio-balloon-pci-transitional',
  'virtio-non-transitional': 'virtio-balloon-pci-non-transitional',
  xen: undefined,
  none: undefined,
} satisfies Record<keyof typeof MEMBALLOON_MODELS, string | undefined>;

export function buildMemballoonArgs(ctx: BuildContext): QemuOption[] {
  const balloon = ctx.layout.memballoon;
  if (!balloon || balloon.model === 'none') return [];
  const driver = DRIVERS[balloon.model ?? 'virtio'];
  if (!driver) {
    ctx.diagnostics.unsupported(balloon.node, `Memory balloon model '${balloon.model ?? '?'}'`, true);
    return [];
  }
  if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', balloon.node, `This QEMU has no '${driver}' device.`);
  const id = ctx.layout.alias.get(balloon);
  // As libvirt: the polling interval is a property of the running device (0 leaves it off).
  if (ctx.runtime && balloon.statsPeriod && id) {
    ctx.launch.qmp.push({ execute: 'qom-set', arguments: { path: `/machine/peripheral/${id}`, property: 'guest-stats-polling-interval', value: balloon.statsPeriod } });
  }
  const props = {
    driver,
    id,
    'deflate-on-oom': balloon.autodeflate,
    'free-page-reporting': balloon.freePageReporting,
    ...pciBusProps(ctx, ctx.layout.pci.get(balloon)),
  };
  return [{ flag: '-device', value: jsonOption(props) }];
}
