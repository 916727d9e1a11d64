import {
  attributeValue,
  childElements,
  firstChild,
  insertChildEdit,
  removeElementEdit,
  setAttributeEdit,
  type Domain,
  type TextEdit,
  type XmlDocument,
} from '@virtdeck/schema';
import { FormEditError } from './formEditError';
import { tpmModelFor, type FirmwareFormChoice, type HardwareChange } from './hardwareForm';
import { insertSnippet, OS_ORDER, placeIn } from './textPlacement';

/** libvirt's order of the devices, so that a new <tpm> sits where virsh dumpxml writes it. */
const DEVICES_ORDER = ['emulator', 'disk', 'controller', 'lease', 'filesystem', 'interface', 'smartcard', 'serial', 'parallel', 'console', 'channel', 'input', 'tpm', 'graphics', 'sound', 'audio', 'video', 'hostdev', 'redirdev', 'redirfilter', 'hub', 'watchdog', 'memballoon', 'rng', 'panic', 'shmem', 'memory', 'iommu', 'vsock', 'crypto', 'pstore'];

/** The smallest edits that give the definition the firmware or TPM the hardware panel chose. */
export function hardwareEdits(document: XmlDocument, domain: Domain, change: HardwareChange): TextEdit[] {
  switch (change.kind) {
    case 'firmware':
      return firmwareEdits(document, domain, change.value);
    case 'tpm':
      return change.enabled ? addTpm(document, domain) : domain.devices.tpms.map((tpm) => removeElementEdit(document, tpm.node));
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/**
 * BIOS drops `firmware='efi'`, `<firmware>`, `<loader>` and `<nvram>`. UEFI is written as
 * virt-install writes it: `<os firmware='efi'>` with the secure-boot feature said either way,
 * because left unsaid the host's first descriptor decides (Debian's is secure boot with
 * Microsoft's keys). The loader is then the descriptor's to choose: a hand-named one goes, as
 * does an NVRAM template that belongs to another firmware.
 */
function firmwareEdits(document: XmlDocument, domain: Domain, choice: FirmwareFormChoice): TextEdit[] {
  const os = domain.os.node;
  if (!os) throw new FormEditError('The definition has no <os> element; add one in the text first.');
  const edits: TextEdit[] = [];
  const loader = firstChild(os, 'loader');
  const nvram = firstChild(os, 'nvram');
  const firmware = firstChild(os, 'firmware');
  if (loader) edits.push(removeElementEdit(document, loader));
  if (choice === 'bios') {
    if (attributeValue(os, 'firmware') !== undefined) edits.push(setAttributeEdit(document, os, 'firmware', undefined));
    for (const element of [firmware, nvram]) if (element) edits.push(removeElementEdit(document, element));
    return edits;
  }
  if (attributeValue(os, 'firmware') !== 'efi') edits.push(setAttributeEdit(document, os, 'firmware', 'efi'));
  if (nvram && attributeValue(nvram, 'template') !== undefined) edits.push(setAttributeEdit(document, nvram, 'template', undefined));
  const secure = choice === 'uefi-secure' ? 'yes' : 'no';
  const feature = firmware ? childElements(firmware, 'feature').find((f) => attributeValue(f, 'name') === 'secure-boot') : undefined;
  if (feature) {
    if (attributeValue(feature, 'enabled') !== secure) edits.push(setAttributeEdit(document, feature, 'enabled', secure));
  } else if (firmware) {
    edits.push(insertChildEdit(document, firmware, `<feature enabled='${secure}' name='secure-boot'/>`));
  } else {
    edits.push(insertSnippet(document, os, ['<firmware>', [`<feature enabled='${secure}' name='secure-boot'/>`], '</firmware>'], placeIn(os, 'firmware', OS_ORDER)));
  }
  // Secure boot needs SMM; the firmware turns it on unless the definition turned it off.
  const smm = domain.features?.smm;
  if (choice === 'uefi-secure' && smm?.enabled === false) edits.push(setAttributeEdit(document, smm.node, 'state', 'on'));
  return edits;
}

/** An emulated TPM 2.0 (swtpm), as virt-manager adds it. */
function addTpm(document: XmlDocument, domain: Domain): TextEdit[] {
  if (domain.devices.tpms.length > 0) return [];
  const devices = domain.devices.node;
  if (!devices) throw new FormEditError('The definition has no <devices> element; add one in the text first.');
  const snippet = [`<tpm model='${tpmModelFor(domain.os.machine)}'>`, ["<backend type='emulator' version='2.0'/>"], '</tpm>'];
  return [insertSnippet(document, devices, snippet, placeIn(devices, 'tpm', DEVICES_ORDER))];
}
