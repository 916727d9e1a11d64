import type { Domain } from '../../model/domain.js';
import type { Reporter } from './report.js';

const normalise = (uuid: string) => uuid.toLowerCase().replace(/-/g, '');

/** The SMBIOS system UUID must be the domain's UUID. */
export function validateSysinfo(domain: Domain, report: Reporter): void {
  for (const sysinfo of domain.sysinfo) {
    const entry = sysinfo.system.find((e) => e.name === 'uuid');
    if (entry === undefined || domain.uuid === undefined) continue;
    if (normalise(entry.value) !== normalise(domain.uuid)) {
      report.error('sysinfo-uuid-mismatch', `The SMBIOS system uuid ${entry.value} differs from the domain <uuid> ${domain.uuid}.`, entry.node.range, [
        {
          title: 'Use the domain UUID',
          edits: [{ range: { start: entry.node.startTagRange.end, end: entry.node.endTagRange?.start ?? entry.node.range.end }, newText: domain.uuid }],
          isPreferred: true,
        },
      ]);
    }
  }
}
