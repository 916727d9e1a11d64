/**
 * The schema tables of libvirt's storage pool and volume definitions, after libvirt 11.3's
 * storagepool.rng (the `dir` pool) and storagevol.rng: the same element specifications the
 * domain table uses, so one structure check, completions and hover serve all of them.
 */
import { YES_NO } from '../schema/common.js';
import { textOf } from '../schema/shorthands.js';
import { attr, data, element, must, one, oneOf, required, type ElementSpec, type SchemaRoot } from '../schema/types.js';
import { POOL_TYPES, VOLUME_FORMATS, VOLUME_TYPES } from './model.js';

/** scaledInteger: a number with an optional unit, bytes when there is none. */
const scaled = (doc: string): ElementSpec => element(doc, { text: data('ulong'), attributes: { unit: attr('the unit (default bytes)', data('unit')) } });

const ownerId = (doc: string): ElementSpec => element(doc, { text: { kind: 'suggest', values: { '-1': 'unchanged' }, type: 'int' } });

const permissionsSpec = element('ownership and mode of the file', {
  children: {
    mode: one(textOf('an octal mode such as 0600', data('createMode'))),
    owner: one(ownerId('the owning user id (-1: unchanged)')),
    group: one(ownerId('the owning group id (-1: unchanged)')),
    label: one(element('the security label', { text: data('string'), textOptional: true })),
  },
});

const timestamp = (doc: string): ElementSpec => textOf(doc, data('timestamp'));

const timestampsSpec = element('file times (output)', {
  children: {
    atime: one(timestamp('last access')),
    btime: one(timestamp('creation')),
    ctime: one(timestamp('last status change')),
    mtime: one(timestamp('last modification')),
  },
});

const formatSpec = element('the image format', { attributes: { type: required('the format', oneOf(VOLUME_FORMATS)) } });

/** The root of the pool table: `<pool type='dir'>`. */
export const POOL_SCHEMA: ElementSpec = element('a libvirt storage pool: a directory of volumes', {
  attributes: { type: required('the kind of pool (virtdeck keeps directories)', oneOf(POOL_TYPES)) },
  children: {
    name: must(textOf('the pool name, which disks name in <source pool>', data('objectName'))),
    uuid: one(textOf('a globally unique id (generated when absent)', data('uuid'))),
    capacity: one(scaled('the size of the file system (output)')),
    allocation: one(scaled('the space used (output)')),
    available: one(scaled('the space free (output)')),
    features: one(element('pool features', { children: { cow: one(element('copy-on-write of the file system (btrfs)', { attributes: { state: required('yes or no', oneOf(YES_NO)) } })) } })),
    source: one(element('where the pool comes from (nothing for a directory)', { children: { vendor: one(element('the vendor', { attributes: { name: required('the name', data('string')) } })), product: one(element('the product', { attributes: { name: required('the name', data('string')) } })) } })),
    target: must(
      element('where the pool is on the host', {
        children: { path: must(textOf('the directory', data('absDirPath'))), permissions: one(permissionsSpec) },
      }),
    ),
  },
});

/** The root of the volume table: `<volume>`. */
export const VOLUME_SCHEMA: ElementSpec = element('a libvirt storage volume: one image in a pool', {
  attributes: { type: attr('the kind of volume (output)', oneOf(VOLUME_TYPES)) },
  children: {
    name: must(textOf('the file name in its pool', data('volName'))),
    key: one(element('the unique key (output: the path)', { text: data('string'), textOptional: true })),
    source: one(element('the extents of the volume (disk pools)', { anyContent: true })),
    capacity: one(scaled('the size the guest sees')),
    allocation: one(scaled('the space allocated on the host')),
    physical: one(scaled('the size of the file (output)')),
    target: must(
      element('the image file', {
        children: {
          path: one(textOf('its path (output)', data('absPath'))),
          format: one(formatSpec),
          permissions: one(permissionsSpec),
          timestamps: one(timestampsSpec),
          encryption: one(element('the encryption of the image', { anyContent: true })),
          compat: one(textOf('the qcow2 compat level such as 1.1', data('compat'))),
          nocow: one(element('no copy-on-write on btrfs', {})),
          clusterSize: one(scaled('the qcow2 cluster size')),
          features: one(element('qcow2 features', { children: { lazy_refcounts: one(element('lazy refcounts', {})), extended_l2: one(element('extended L2 entries', {})) } })),
        },
      }),
    ),
    backingStore: one(
      element('the image this one is an overlay on', {
        children: { path: must(textOf('its path', data('absPath'))), format: one(formatSpec), permissions: one(permissionsSpec), timestamps: one(timestampsSpec) },
      }),
    ),
  },
});

export const POOL_ROOT: SchemaRoot = { name: 'pool', spec: POOL_SCHEMA };
export const VOLUME_ROOT: SchemaRoot = { name: 'volume', spec: VOLUME_SCHEMA };
