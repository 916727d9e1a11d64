/**
 * The checks libvirt's snapshot parser (virDomainSnapshotDefParse and
 * virDomainSnapshotAlignDisks) makes once the XML fits the schema.
 */
import type { Diagnostic } from '../diagnostics.js';
import { attributeRange, Reporter } from '../validate/semantic/report.js';
import { firstChild } from '../xml/tree.js';
import type { DomainSnapshot } from './model.js';

export function validateSnapshotRules(snapshot: DomainSnapshot, out: Diagnostic[]): void {
  const report = new Reporter(out);
  const parent = firstChild(snapshot.node, 'parent');
  if (parent !== undefined && snapshot.name !== undefined && snapshot.parent === snapshot.name) {
    report.error('invalid-value', `Snapshot '${snapshot.name}' cannot be its own parent.`, (firstChild(parent, 'name') ?? parent).nameRange);
  }
  const memory = snapshot.memory;
  if (memory !== undefined) {
    if (memory.snapshot === 'external' || (memory.snapshot === undefined && memory.file !== undefined)) {
      if (memory.file === undefined) report.error('missing-attribute', "An external memory snapshot needs file='…': where the memory is written.", memory.node.nameRange);
    } else if (memory.file !== undefined) {
      report.error('invalid-combination', `A memory file is only for snapshot='external', not '${memory.snapshot ?? ''}'.`, attributeRange(memory.node, 'file'));
    }
  }
  const seen = new Set<string>();
  for (const disk of snapshot.disks) {
    if (disk.name === undefined) continue;
    if (seen.has(disk.name)) report.error('duplicate-disk-target', `Disk '${disk.name}' is listed twice in <disks>.`, attributeRange(disk.node, 'name'));
    seen.add(disk.name);
    // libvirt: "mixing internal and external targets for a snapshot is not yet supported"
    if (disk.snapshot === 'external' && memory?.snapshot === 'internal') {
      report.error('invalid-combination', `Disk '${disk.name}' is external while the memory is internal: libvirt does not mix internal and external snapshots.`, attributeRange(disk.node, 'snapshot'));
    }
  }
  if (snapshot.state === 'shutoff' && memory?.snapshot === 'internal') {
    report.error('invalid-combination', 'A snapshot of a shut-off guest has no memory to keep: use <memory snapshot=\'no\'/>.', attributeRange(memory.node, 'snapshot'));
  }
}
