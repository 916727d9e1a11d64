import { escapeAttribute, escapeText } from '../xml/entities.js';
import type { DiskSnapshotMode, SnapshotMemoryMode, SnapshotState } from './model.js';

export interface SnapshotXmlInput {
  name: string;
  description?: string;
  state: SnapshotState;
  /** seconds since 1970 */
  creationTime: number;
  parent?: string;
  memory: SnapshotMemoryMode;
  disks: readonly { name: string; snapshot: DiskSnapshotMode }[];
  /** the guest's definition at snapshot time (its XML declaration, if any, is dropped) */
  domainXml: string;
}

const indent = (text: string): string => text.replace(/^(?=.)/gm, '  ');

/** The snapshot as libvirt stores it (snapshot-dumpxml), with the definition a revert restores. */
export function snapshotXml(input: SnapshotXmlInput): string {
  const lines = ['<domainsnapshot>', `  <name>${escapeText(input.name)}</name>`];
  if (input.description !== undefined && input.description !== '') lines.push(`  <description>${escapeText(input.description)}</description>`);
  lines.push(`  <state>${input.state}</state>`);
  if (input.parent !== undefined) lines.push('  <parent>', `    <name>${escapeText(input.parent)}</name>`, '  </parent>');
  lines.push(`  <creationTime>${Math.floor(input.creationTime)}</creationTime>`, `  <memory snapshot='${input.memory}'/>`, '  <disks>');
  for (const disk of input.disks) lines.push(`    <disk name='${escapeAttribute(disk.name, "'")}' snapshot='${disk.snapshot}'/>`);
  lines.push('  </disks>', indent(input.domainXml.replace(/^\s*<\?xml[^>]*\?>\s*/, '').trimEnd()), '</domainsnapshot>', '');
  return lines.join('\n');
}
