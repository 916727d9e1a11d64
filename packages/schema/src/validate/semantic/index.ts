import type { Diagnostic } from '../../diagnostics.js';
import type { Domain } from '../../model/domain.js';
import type { XmlDocument } from '../../xml/tree.js';
import { validateAddresses } from './addresses.js';
import { validateBootOrder } from './boot.js';
import { validateControllers } from './controllers.js';
import { validateDevices } from './devices.js';
import { validateDisks } from './disks.js';
import { Reporter } from './report.js';
import { validateResources } from './resources.js';
import { validateSysinfo } from './sysinfo.js';

/**
 * The semantic checks libvirt's parser and validation make once the XML fits the schema:
 * sizes and counts that must agree, unique targets, indexes and addresses, combinations the
 * machine cannot have. One table, run in order.
 */
const CHECKS: readonly ((document: XmlDocument, domain: Domain, report: Reporter) => void)[] = [
  (_document, domain, report) => validateResources(domain, report),
  (_document, domain, report) => validateSysinfo(domain, report),
  (_document, domain, report) => validateBootOrder(domain, report),
  (_document, domain, report) => validateDisks(domain, report),
  (_document, domain, report) => validateControllers(domain, report),
  (_document, domain, report) => validateAddresses(domain, report),
  validateDevices,
];

export function validateSemantics(document: XmlDocument, domain: Domain, out: Diagnostic[]): void {
  const report = new Reporter(out);
  for (const check of CHECKS) check(document, domain, report);
}
