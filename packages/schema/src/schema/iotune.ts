/** I/O limits: a disk <iotune> and the domain <throttlegroups>. */
import { textOf } from './shorthands.js';
import { data, element, many, must, one } from './types.js';

export const iotuneLimitChildren = Object.fromEntries(
  [
    'total_bytes_sec',
    'read_bytes_sec',
    'write_bytes_sec',
    'total_iops_sec',
    'read_iops_sec',
    'write_iops_sec',
    'total_bytes_sec_max',
    'read_bytes_sec_max',
    'write_bytes_sec_max',
    'total_iops_sec_max',
    'read_iops_sec_max',
    'write_iops_sec_max',
    'size_iops_sec',
    'total_bytes_sec_max_length',
    'read_bytes_sec_max_length',
    'write_bytes_sec_max_length',
    'total_iops_sec_max_length',
    'read_iops_sec_max_length',
    'write_iops_sec_max_length',
  ].map((name) => [name, one(textOf(name.replace(/_/g, ' '), data('ulong')))]),
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
