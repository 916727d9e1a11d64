/** Random number generators: an rng backend object and a virtio-rng device. */
import type { VIRTIO_MODELS } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';

const DRIVERS: Record<string, string | undefined> = {
  virtio: 'virtio-rng-pci',
  'virtio-transitional': 'virtio-rng-pci-transitional',
  'virtio-non-transitional': 'virtio-rng-pci-non-transitional',
} satisfies Record<keyof typeof VIRTIO_MODELS, string | undefined>;

export function buildRngArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.domain.devices.rngs.forEach((rng, i) => {
    const driver = DRIVERS[rng.model ?? 'virtio'];
    if (!driver) {
      ctx.diagnostics.unsupported(rng.node, `RNG model '${rng.model ?? '?'}'`, true);
      return;
    }
    const objectId = `objrng${i}`;
    const backend = rng.backend;
    let object: JsonObject;
    switch (backend?.model ?? 'random') {
      case 'random':
        object = { 'qom-type': 'rng-random', id: objectId, filename: backend?.path ?? '/dev/urandom' };
        break;
      case 'builtin':
        object = { 'qom-type': 'rng-builtin', id: objectId };
        break;
      default:
        ctx.diagnostics.unsupported(backend?.node ?? rng.node, `RNG backend '${backend?.model ?? '?'}'`, true);
        return;
    }
    if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', rng.node, `This QEMU has no '${driver}' device.`);
    options.push({ flag: '-object', value: jsonOption(object) });
    const props = {
      driver,
      rng: objectId,
      id: ctx.layout.alias.get(rng),
      'max-bytes': rng.rate?.bytes,
      period: rng.rate?.period,
      ...pciBusProps(ctx, ctx.layout.pci.get(rng)),
    };
    options.push({ flag: '-device', value: jsonOption(props) });
  });
  return options;
}
