/** <memoryBacking>: how guest memory is backed on the host. */
import { MEMORY_ACCESS_MODES, MEMORY_ALLOCATION_MODES, MEMORY_SOURCE_TYPES } from '../model/memory.js';
import { attr, data, element, many, one, oneOf, required } from './types.js';

export const memoryBackingSpec = element('how guest memory is backed on the host', {
  children: {
    hugepages: one(
      element('back guest memory with huge pages', {
        children: {
          page: many(
            element('a huge page size, optionally for some NUMA nodes', {
              attributes: { size: required('the page size', data('ulong')), unit: attr('unit of size (default KiB)', data('unit')), nodeset: attr('guest NUMA nodes', data('cpuset')) },
            }),
          ),
        },
      }),
    ),
    nosharepages: one(element('do not merge identical pages (KSM)')),
    locked: one(element('lock guest memory in host RAM')),
    source: one(element('the memory backend', { attributes: { type: required('anonymous, file or memfd', oneOf(MEMORY_SOURCE_TYPES)) } })),
    access: one(element('shared or private memory', { attributes: { mode: required('the access mode', oneOf(MEMORY_ACCESS_MODES)) } })),
    allocation: one(
      element('when memory is allocated', {
        attributes: { mode: attr('immediate or ondemand', oneOf(MEMORY_ALLOCATION_MODES)), threads: attr('threads used to preallocate', data('uint')) },
      }),
    ),
    discard: one(element('discard memory when the guest stops')),
  },
});
