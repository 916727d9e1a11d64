import type { Diagnostic, QuickFix } from '../diagnostics.js';
import { setAccelerator } from '../edit/setAccelerator.js';
import { acceleratorSpelling, ACCELERATORS, HISTORICAL_ACCELERATORS, isAccelerator, type Accelerator } from '../model/accelerators.js';
import type { Domain } from '../model/domain.js';
import { firstChild, getAttribute, textRange, type XmlDocument } from '../xml/tree.js';

/**
 * The accelerator, whichever of the three 2007 spellings was used: historical spellings are
 * read and normalised with a warning and a quick fix to the canonical form; accelerators QEMU
 * no longer has are accepted with a warning that the guest will not start.
 */
export function validateAccelerator(document: XmlDocument, domain: Domain, out: Diagnostic[]): void {
  const root = domain.node;
  const os = firstChild(root, 'os');
  const osType = os === undefined ? undefined : firstChild(os, 'type');
  const accelAttribute = osType === undefined ? undefined : getAttribute(osType, 'accel');
  const spellingRange =
    domain.typeSpelling === 'os-type-accel' && accelAttribute !== undefined
      ? accelAttribute.range
      : domain.typeSpelling === 'os-type' && osType !== undefined
        ? textRange(osType)
        : (getAttribute(root, 'type')?.valueRange ?? root.nameRange);

  // an unknown value is reported by the structure check (domain@type, os/type@accel)
  if (!isAccelerator(domain.type)) return;
  if (domain.typeSpelling !== 'canonical') {
    out.push({
      severity: 'warning',
      scope: 'document',
      code: 'legacy-accelerator-spelling',
      message: `${acceleratorSpelling(domain.typeSpelling, domain.type)} is a historical spelling of the accelerator; libvirt writes <domain type='${domain.type}'> with <os><type>hvm</type>.`,
      range: spellingRange,
      fixes: [{ ...fixTo(document, domain.type), isPreferred: true }],
    });
  }
  if (HISTORICAL_ACCELERATORS.includes(domain.type)) {
    out.push({
      severity: 'warning',
      scope: 'host',
      code: 'unsupported-accelerator',
      message: `${ACCELERATORS[domain.type].summary} A guest with accelerator '${domain.type}' cannot start. Use 'kvm' (hardware virtualization) or 'qemu' (emulation).`,
      range: spellingRange,
      fixes: (['kvm', 'qemu'] as const).map((accel) => fixTo(document, accel)),
    });
  }
}

function fixTo(document: XmlDocument, accel: Accelerator): QuickFix {
  return { title: `Use <domain type='${accel}'>`, edits: setAccelerator(document, accel) };
}
