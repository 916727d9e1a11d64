/**
 * The form beside the editor: what it shows (read from the parsed definition) and what it
 * can change. The worker turns a change into a minimal text edit (formEdits.ts).
 */
import type { FirmwareForm, HardwareChange, TpmForm } from './hardwareForm';

export interface DiskForm {
  /** `file`, `block`, … (<disk type>). */
  type: string;
  /** `disk`, `cdrom`, … (<disk device>). */
  device: string;
  /** The file or block device path (<source file|dev>). */
  source?: string;
  targetDev?: string;
  targetBus?: string;
  /** Image format (<driver type>). */
  format?: string;
  readonly: boolean;
}

export interface InterfaceForm {
  /** `user`, `network`, `bridge`, … (<interface type>). */
  type: string;
  /** The network or bridge name, or the host device, depending on the type. */
  source?: string;
  model?: string;
  mac?: string;
}

export interface DomainForm {
  name: string;
  /** The effective accelerator, whatever spelling the text uses. */
  accelerator: string;
  acceleratorSpelling: 'canonical' | 'os-type' | 'os-type-accel';
  memoryMiB?: number;
  vcpus?: number;
  arch?: string;
  machine?: string;
  emulator?: string;
  cpu: { mode?: string; model?: string };
  /** <os><boot dev>, in order. */
  boot: string[];
  /** Devices carry their own <boot order>: then <os><boot> must not be used. */
  perDeviceBoot: boolean;
  disks: DiskForm[];
  interfaces: InterfaceForm[];
  firmware: FirmwareForm;
  /** The first <tpm>, when there is one. */
  tpm?: TpmForm;
}

export const DISK_FIELDS = ['source', 'targetDev', 'targetBus', 'format', 'device'] as const;
export type DiskField = (typeof DISK_FIELDS)[number];

export const INTERFACE_FIELDS = ['type', 'source', 'model', 'mac'] as const;
export type InterfaceField = (typeof INTERFACE_FIELDS)[number];

/** CPU modes the form offers (libvirt's <cpu mode>). */
export const CPU_FORM_MODES = {
  'host-passthrough': 'the host CPU exactly (KVM only)',
  'host-model': 'the named model closest to the host CPU (to what TCG emulates under TCG), with its extra features',
  maximum: 'every feature the accelerator can provide',
  custom: 'a named CPU model',
} as const;
export type CpuFormMode = keyof typeof CPU_FORM_MODES;

export type FormChange =
  | { kind: 'accelerator'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'memory'; mib: number }
  | { kind: 'vcpus'; count: number }
  | { kind: 'machine'; value: string }
  | { kind: 'cpu'; mode: CpuFormMode | 'default'; model?: string }
  | { kind: 'boot'; devices: string[] }
  | { kind: 'disk'; index: number; field: DiskField; value: string }
  | { kind: 'add-disk'; device: 'disk' | 'cdrom' }
  | { kind: 'remove-disk'; index: number }
  | { kind: 'interface'; index: number; field: InterfaceField; value: string }
  | { kind: 'add-interface' }
  | { kind: 'remove-interface'; index: number }
  | HardwareChange;
