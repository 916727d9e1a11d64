/** IOMMUs: the Intel VT-d emulation of q35, or virtio-iommu. */
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type QemuOption } from '../options.js';

export function buildIommuArgs(ctx: BuildContext): QemuOption[] {
  const iommu = ctx.domain.devices.iommu;
  if (!iommu) return [];
  const d = iommu.driver;
  switch (iommu.model) {
    case 'intel':
      if (ctx.machine.chipset !== 'q35') {
        ctx.diagnostics.error('invalid-combination', iommu.node, 'The Intel IOMMU needs the q35 machine type.');
        return [];
      }
      return [
        {
          flag: '-device',
          value: jsonOption({
            driver: 'intel-iommu',
            id: 'iommu0',
            'intremap': d?.intremap === undefined ? undefined : d.intremap ? 'on' : 'off',
            'caching-mode': d?.cachingMode,
            eim: d?.eim === undefined ? undefined : d.eim ? 'on' : 'off',
            'device-iotlb': d?.iotlb,
            'aw-bits': d?.awBits,
          }),
        },
      ];
    case 'virtio':
      if (!hasDevice(ctx, 'virtio-iommu-pci')) ctx.diagnostics.error('device-model-unknown', iommu.node, "This QEMU has no 'virtio-iommu-pci' device.");
      return [{ flag: '-device', value: jsonOption({ driver: 'virtio-iommu-pci', id: 'iommu0', ...pciBusProps(ctx, ctx.layout.pci.get(iommu)) }) }];
    default:
      ctx.diagnostics.unsupported(iommu.node, `IOMMU model '${iommu.model ?? '?'}'`, true);
      return [];
  }
}
