/**
 * <seclabel>: virtdeck has no security driver (no SELinux or AppArmor labelling, and running
 * QEMU as another user:group is confinement's job), so a label the definition asks for refuses
 * the start: running the guest unlabelled would quietly give it more access than its owner set.
 */
import { attributeValue, walkElements, type SecLabel, type XmlElement } from '@virtdeck/schema';
import type { DiagnosticSink } from '../diagnostics.js';

const REFUSED = 'so the guest does not start rather than run without the confinement it asks for';

function domainLabelReason(label: SecLabel): string | undefined {
  if (label.type === 'none' || label.model === 'none') return undefined;
  const how = `<seclabel type='${label.type ?? 'dynamic'}'${label.model ? ` model='${label.model}'` : ''}>`;
  if (label.model === 'dac') {
    return `Running QEMU as a given user:group (${how}) is not supported by virtdeck yet, ${REFUSED}.`;
  }
  const driver = label.model === 'selinux' ? 'SELinux' : label.model === 'apparmor' ? 'AppArmor' : 'a security driver';
  return `The guest asks for ${driver} labelling (${how}), which virtdeck cannot apply: it runs QEMU without a security driver, ${REFUSED}.`;
}

/** A device's own label (on a disk or chardev source): relabel='no' asks for nothing, a <label> does. */
function deviceLabelReason(node: XmlElement): string | undefined {
  if (attributeValue(node, 'model') === 'none' || attributeValue(node, 'relabel') === 'no') return undefined;
  return `A device security label (<seclabel> with a <label> or relabel='yes') cannot be applied: virtdeck runs QEMU without a security driver, ${REFUSED}.`;
}

export function checkSecLabels(labels: readonly SecLabel[], devices: XmlElement | undefined, diagnostics: DiagnosticSink): void {
  for (const label of labels) {
    const reason = domainLabelReason(label);
    if (reason) diagnostics.error('host-resource-needed', label.node, reason);
  }
  if (!devices) return;
  for (const node of walkElements(devices)) {
    if (node.name !== 'seclabel') continue;
    const reason = deviceLabelReason(node);
    if (reason) diagnostics.error('host-resource-needed', node, reason);
  }
}
