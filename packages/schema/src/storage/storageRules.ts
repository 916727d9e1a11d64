/**
 * The checks libvirt's storage parser (virStoragePoolDefParseXML, virStorageVolDefParseXML and
 * virScaleInteger) makes once the XML fits the schema: sizes that fit 64 bits, a volume's
 * capacity (vol-create needs it), and a backing store only where the format has one.
 */
import type { Diagnostic } from '../diagnostics.js';
import { Reporter } from '../validate/semantic/report.js';
import { firstChild } from '../xml/tree.js';
import type { ScaledSize, StoragePool, StorageVolume } from './model.js';

const MAX_BYTES = 2n ** 64n - 1n;

/** Image formats that have no place for a backing file (qemu-img refuses `-b` for them). */
const FLAT_FORMATS: ReadonlySet<string> = new Set(['raw', 'iso', 'dir', 'fat']);

function checkSize(size: ScaledSize | undefined, report: Reporter): void {
  if (size?.bytes !== undefined && size.bytes > MAX_BYTES) {
    report.error('invalid-value', `<${size.node.name}> is ${size.bytes} bytes, more than 64 bits hold.`, size.node.nameRange);
  }
}

export function validatePoolRules(pool: StoragePool, out: Diagnostic[]): void {
  const report = new Reporter(out);
  for (const size of [pool.capacity, pool.allocation, pool.available]) checkSize(size, report);
}

export function validateVolumeRules(volume: StorageVolume, out: Diagnostic[]): void {
  const report = new Reporter(out);
  for (const size of [volume.capacity, volume.allocation, volume.physical]) checkSize(size, report);
  if (volume.capacity === undefined) {
    const name = firstChild(volume.node, 'name');
    report.error('missing-element', 'A volume needs its <capacity>: the size the guest sees.', (name ?? volume.node).nameRange);
  }
  const format = volume.target?.format;
  if (volume.backingStore !== undefined && format !== undefined && FLAT_FORMATS.has(format)) {
    report.error('invalid-combination', `A ${format} volume cannot have a backing store: make it qcow2 to layer it on another image.`, volume.backingStore.node.nameRange);
  }
}
