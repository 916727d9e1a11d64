/** <memory> devices: DIMMs, NVDIMMs, virtio-mem. */
import { sized } from '../shorthands.js';
import { MEMORY_DEVICE_MODELS } from '../../model/devices/memoryDevice.js';
import { yesNo } from '../common.js';
import { attr, data, element, must, one, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const memoryDeviceSpec = element('a memory device (DIMM, NVDIMM, virtio-mem)', {
  attributes: {
    model: required('the kind of memory device', oneOf(MEMORY_DEVICE_MODELS)),
    access: attr('shared or private', oneOf({ shared: 'shared', private: 'private' })),
    discard: yesNo('discard on unplug'),
  },
  children: {
    ...placement,
    uuid: one(element('the NVDIMM UUID', { text: data('uuid') })),
    source: one(
      element('what backs the memory', {
        children: {
          pagesize: one(sized('the host page size')),
          nodemask: one(element('host NUMA nodes', { text: data('cpuset') })),
          path: one(element('the backing file', { text: data('absPath') })),
          alignsize: one(sized('alignment')),
          pmem: one(element('the file is on persistent memory')),
        },
      }),
    ),
    target: must(
      element('the memory the guest sees', {
        attributes: { dynamicMemslots: yesNo('dynamic memory slots (virtio-mem)') },
        children: {
          size: must(sized('the size')),
          node: one(element('the guest NUMA node', { text: data('uint') })),
          block: one(sized('the block size (virtio-mem)')),
          requested: one(sized('the requested size (virtio-mem)')),
          current: one(sized('the current size (output)')),
          label: one(element('the NVDIMM label', { children: { size: must(sized('the label size')) } })),
          readonly: one(element('read-only')),
          address: one(element('the guest physical address', { attributes: { base: attr('the base address', data('hexuint')) } })),
        },
      }),
    ),
  },
});
