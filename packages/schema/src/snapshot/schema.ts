/**
 * The schema table of libvirt's domain snapshot definition, after libvirt 11.3's
 * domainsnapshot.rng: the same element specifications as the domain table, so one structure
 * check serves both, and the embedded `<domain>` is checked by the domain table itself.
 */
import { DOMAIN_SCHEMA } from '../schema/domainSchema.js';
import { textOf } from '../schema/shorthands.js';
import { attr, data, element, many, must, one, oneOf, required, type ElementSpec, type SchemaRoot } from '../schema/types.js';
import { DISK_SNAPSHOT_MODES, SNAPSHOT_MEMORY_MODES, SNAPSHOT_STATES } from './model.js';

const diskSpec = element('one disk of the snapshot', {
  attributes: {
    name: required('the disk target (vda) or its source path', data('deviceName')),
    snapshot: attr('how the disk is kept', oneOf(DISK_SNAPSHOT_MODES)),
    type: attr('the kind of overlay (external snapshots)', oneOf({ file: 'a file', block: 'a block device', network: 'a network volume' })),
  },
  children: {
    source: one(element('the overlay (external snapshots)', { anyContent: true })),
    driver: one(element('the overlay format (external snapshots)', { anyContent: true })),
    snapshotDeleteInProgress: one(element('a delete was interrupted', {})),
  },
});

const disksSpec = (doc: string): ElementSpec => element(doc, { children: { disk: many(diskSpec) } });

/** The root of the snapshot table: `<domainsnapshot>`. */
export const SNAPSHOT_SCHEMA: ElementSpec = element('a libvirt domain snapshot: the state of a guest at one moment', {
  children: {
    name: one(textOf('the snapshot name, unique among the guest\u2019s snapshots', data('objectName'))),
    description: one(element('a free-form description', { text: data('string'), textOptional: true })),
    state: one(textOf('the guest\u2019s state when it was taken', oneOf(SNAPSHOT_STATES))),
    creationTime: one(textOf('when it was taken, in seconds since 1970', data('ulong'))),
    memory: one(
      element('the guest\u2019s memory', {
        attributes: { snapshot: attr('where the memory is kept', oneOf(SNAPSHOT_MEMORY_MODES)), file: attr('the memory file (external)', data('absPath')) },
      }),
    ),
    disks: one(disksSpec('the disks of the snapshot')),
    revertDisks: one(disksSpec('disks to use when reverting (external snapshots)')),
    active: one(textOf('1 when it was taken of a running guest\u2019s live definition', oneOf({ 0: 'no', 1: 'yes' }))),
    domain: one(DOMAIN_SCHEMA),
    inactiveDomain: one(element('the next-boot definition of a running guest', { anyContent: true })),
    parent: one(element('the snapshot this one was taken after', { children: { name: must(textOf('its name', data('objectName'))) } })),
    cookie: one(element('hypervisor data', { anyContent: true })),
  },
});

export const SNAPSHOT_ROOT: SchemaRoot = { name: 'domainsnapshot', spec: SNAPSHOT_SCHEMA };
