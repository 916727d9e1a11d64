/**
 * The firmware and TPM part of the form: what the definition says, read from the model, and
 * the changes the hardware panel makes (hardwareEdits.ts turns them into text edits).
 */
import { UEFI_OFFERS, type UefiOffer } from '@virtdeck/qemu';
import type { Domain } from '@virtdeck/schema';

/** What the firmware choice offers; `uefi*` are `<os firmware='efi'>` with secure boot off or on. */
export const FIRMWARE_FORM_CHOICES = { bios: 'BIOS', ...UEFI_OFFERS } as const;
export type FirmwareFormChoice = keyof typeof FIRMWARE_FORM_CHOICES;

export interface FirmwareForm {
  /**
   * `uefi-any`: `<os firmware='efi'>` that leaves secure boot to the host's first descriptor;
   * `loader`: a `<loader>` named by hand, without `firmware='efi'`.
   */
  choice: FirmwareFormChoice | 'uefi-any' | 'loader';
  /** The hand-named loader's path. */
  loader?: string;
}

export interface TpmForm {
  model?: string;
  /** `emulator` (swtpm), `passthrough` (the host's TPM), `external`. */
  backend?: string;
}

export type HardwareChange = { kind: 'firmware'; value: FirmwareFormChoice } | { kind: 'tpm'; enabled: boolean };

export function readFirmware(os: Domain['os']): FirmwareForm {
  if (os.firmware === 'efi') {
    const secure = os.firmwareFeatures.find((f) => f.name === 'secure-boot')?.enabled;
    return { choice: secure === undefined ? 'uefi-any' : secure ? 'uefi-secure' : 'uefi' };
  }
  if (os.loader?.path !== undefined) return { choice: 'loader', loader: os.loader.path };
  return { choice: 'bios' };
}

export function readTpm(domain: Domain): TpmForm | undefined {
  const tpm = domain.devices.tpms[0];
  if (!tpm) return undefined;
  const form: TpmForm = {};
  if (tpm.model !== undefined) form.model = tpm.model;
  if (tpm.backend?.type !== undefined) form.backend = tpm.backend.type;
  return form;
}

/**
 * The TPM model the form adds: CRB on q35 (what virt-manager picks for TPM 2.0 there), TIS on
 * other machines, where QEMU's ACPI tables describe only TIS.
 */
export function tpmModelFor(machine: string | undefined): 'tpm-crb' | 'tpm-tis' {
  return machine !== undefined && machine.includes('q35') ? 'tpm-crb' : 'tpm-tis';
}

export type { UefiOffer };
