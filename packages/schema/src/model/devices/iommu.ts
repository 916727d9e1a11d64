import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const IOMMU_MODELS = {
  intel: 'Intel VT-d (q35 only)',
  smmuv3: 'ARM SMMUv3',
  virtio: 'virtio-iommu',
  'amd': 'AMD-Vi',
} as const;

export interface Iommu extends DeviceCommon {
  model?: keyof typeof IOMMU_MODELS;
  driver?: { intremap?: boolean; cachingMode?: boolean; eim?: boolean; iotlb?: boolean; awBits?: number; node: XmlElement };
}

export function parseIommu(node: XmlElement): Iommu {
  const driver = firstChild(node, 'driver');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.enum(node, 'model', IOMMU_MODELS),
    driver:
      driver === undefined
        ? undefined
        : {
            intremap: read.boolean(driver, 'intremap'),
            cachingMode: read.boolean(driver, 'caching_mode'),
            eim: read.boolean(driver, 'eim'),
            iotlb: read.boolean(driver, 'iotlb'),
            awBits: read.number(driver, 'aw_bits'),
            node: driver,
          },
  };
}
