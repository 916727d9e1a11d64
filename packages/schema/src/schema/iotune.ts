/** I/O limits: a disk <iotune> and the domain <throttlegroups>. */
import { IOTUNE_LIMITS } from '../model/devices/disk.js';
import { textOf } from './shorthands.js';
import { data, element, many, must, one } from './types.js';

export const iotuneLimitChildren = Object.fromEntries(
  IOTUNE_LIMITS.map((name) => [name, one(textOf(name.replace(/_/g, ' '), data('ulong')))]),
);

/** total_* and read_/write_* of the same limit exclude each other. */
export const iotuneConstraints = ['bytes_sec', 'iops_sec', 'bytes_sec_max', 'iops_sec_max', 'bytes_sec_max_length', 'iops_sec_max_length'].map((limit) => ({
  kind: 'exclusive' as const,
  groups: [[`total_${limit}`], [`read_${limit}`, `write_${limit}`]],
}));
export const iotuneSpec = element('I/O throttling of the disk', {
  children: { ...iotuneLimitChildren, group_name: one(textOf('share the limits with other disks of this group', data('string'))) },
  constraints: iotuneConstraints,
});
export const throttlegroupsSpec = element('named I/O limits disks can share', {
  children: {
    throttlegroup: many(
      element('one named set of I/O limits', {
        children: { ...iotuneLimitChildren, group_name: must(textOf('the group name', data('string'))) },
        constraints: iotuneConstraints,
      }),
    ),
  },
});
