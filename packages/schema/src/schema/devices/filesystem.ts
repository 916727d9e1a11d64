/** <filesystem>: host directories shared with the guest. */
import { sized } from '../shorthands.js';
import { VIRTIO_MODELS } from '../../model/devices/controller.js';
import { FILESYSTEM_ACCESS_MODES, FILESYSTEM_DRIVERS, FILESYSTEM_TYPES } from '../../model/devices/filesystem.js';
import { bootSpec, virtioOptions } from '../common.js';
import { attr, data, element, must, one, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const filesystemSpec = element('a host directory shared with the guest (9p, virtiofs)', {
  attributes: {
    type: attr('what is shared', oneOf(FILESYSTEM_TYPES)),
    accessmode: attr('how guest credentials map to the host', oneOf(FILESYSTEM_ACCESS_MODES)),
    multidevs: attr('handling of several host devices', oneOf({ default: 'default', remap: 'remap', forbid: 'forbid', warn: 'warn' })),
    fmode: attr('mode of new files', data('createMode')),
    dmode: attr('mode of new directories', data('createMode')),
    model: attr('the virtio variant', oneOf(VIRTIO_MODELS)),
  },
  children: {
    ...placement,
    driver: one(
      element('the filesystem driver', {
        attributes: {
          type: attr('the driver', oneOf(FILESYSTEM_DRIVERS)),
          format: attr('image format', data('string')),
          wrpolicy: attr('write policy', oneOf({ immediate: 'write immediately' })),
          queue: attr('virtiofs queue size', data('uint')),
          ...virtioOptions,
        },
      }),
    ),
    binary: one(element('the virtiofsd binary and its options', { anyContent: true })),
    source: one(
      element('what is shared', {
        attributes: {
          dir: attr('the host directory', data('absDirPath')),
          file: attr('the host file', data('absPath')),
          dev: attr('the host device', data('absPath')),
          name: attr('the template name', data('genericName')),
          socket: attr('an external virtiofsd socket', data('absPath')),
          usage: attr('RAM filesystem size', data('ulong')),
          units: attr('unit of usage', data('unit')),
        },
      }),
    ),
    target: must(element('where the guest mounts it', { attributes: { dir: required('the mount tag or path', data('string')) } })),
    readonly: one(element('read-only')),
    boot: one(bootSpec),
    space_hard_limit: one(sized('hard space limit')),
    space_soft_limit: one(sized('soft space limit')),
    idmap: one(element('id mapping (virtiofs)', { anyContent: true })),
  },
});
