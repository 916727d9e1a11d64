import type { Domain } from '../../model/domain.js';
import { attributeRange, type Reporter } from './report.js';
import { machineFamily } from './machine.js';

/** One controller per type and index; the PCI root must fit the machine. */
export function validateControllers(domain: Domain, report: Reporter): void {
  const family = machineFamily(domain);
  const seen = new Set<string>();
  for (const controller of domain.devices.controllers) {
    // USB companion controllers (ich9-uhci with <master>) share the index of their EHCI
    if (controller.index !== undefined && controller.master === undefined) {
      const key = `${controller.type}/${controller.index}`;
      if (seen.has(key)) {
        report.error('duplicate-controller', `There are several '${controller.type}' controllers with index '${controller.index}'.`, attributeRange(controller.node, 'index'));
      }
      seen.add(key);
    }
    if (controller.type === 'pci' && (controller.model === 'pci-root' || controller.model === 'pcie-root')) {
      if (controller.index !== undefined && controller.index !== 0) {
        report.error('controller-invalid', 'pci-root and pcie-root controllers must have index 0.', attributeRange(controller.node, 'index'));
      }
      const expected = family === 'q35' ? 'pcie-root' : family === 'i440fx' ? 'pci-root' : undefined;
      if (expected !== undefined && controller.model !== expected && (controller.index ?? 0) === 0) {
        report.error(
          'controller-invalid',
          `The PCI controller with index='0' must be model='${expected}' for machine '${domain.os.machine ?? 'pc'}', not '${controller.model}'.`,
          attributeRange(controller.node, 'model'),
          [{ title: `Use model='${expected}'`, edits: [{ range: attributeRange(controller.node, 'model'), newText: expected }], isPreferred: true }],
        );
      }
    }
    if (controller.type === 'ide' && family === 'q35') {
      report.error('controller-invalid', 'A q35 machine has no IDE controller: use SATA (bus=\'sata\') for disks and CD-ROMs.', attributeRange(controller.node, 'type'));
    }
  }
}
