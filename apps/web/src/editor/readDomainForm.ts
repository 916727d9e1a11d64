import type { Domain } from '@virtdeck/schema';
import type { DiskForm, DomainForm, InterfaceForm } from './domainForm';
import { readFirmware, readTpm } from './hardwareForm';

/** What the form shows, read from the typed model (values the model could not read stay empty). */
export function readDomainForm(domain: Domain): DomainForm {
  const { devices, os, cpu } = domain;
  const form: DomainForm = {
    name: domain.name,
    accelerator: domain.type,
    acceleratorSpelling: domain.typeSpelling,
    cpu: {},
    boot: os.boot.flatMap((b) => (b.dev ? [b.dev] : [])),
    perDeviceBoot: devices.disks.some((d) => d.boot !== undefined) || devices.interfaces.some((i) => i.boot !== undefined),
    disks: devices.disks.map(readDisk),
    interfaces: devices.interfaces.map(readInterface),
    firmware: readFirmware(os),
  };
  const tpm = readTpm(domain);
  if (tpm) form.tpm = tpm;
  if (domain.memory) form.memoryMiB = Math.round(domain.memory.kib / 1024);
  if (domain.vcpu) form.vcpus = domain.vcpu.count;
  if (os.arch !== undefined) form.arch = os.arch;
  if (os.machine !== undefined) form.machine = os.machine;
  if (devices.emulator !== undefined) form.emulator = devices.emulator;
  if (cpu) {
    // libvirt: a <cpu> with a <model> and no mode is mode='custom'.
    const mode = cpu.mode ?? (cpu.model ? 'custom' : undefined);
    if (mode !== undefined) form.cpu.mode = mode;
    if (cpu.model) form.cpu.model = cpu.model.name;
  }
  return form;
}

function readDisk(disk: Domain['devices']['disks'][number]): DiskForm {
  const form: DiskForm = { type: disk.type, device: disk.device, readonly: disk.readonly };
  const source = disk.source;
  const path = source?.file ?? source?.dev ?? source?.dir ?? source?.name ?? source?.volume;
  if (path !== undefined) form.source = path;
  if (disk.target) {
    form.targetDev = disk.target.dev;
    if (disk.target.bus !== undefined) form.targetBus = disk.target.bus;
  }
  if (disk.driver?.type !== undefined) form.format = disk.driver.type;
  return form;
}

function readInterface(nic: Domain['devices']['interfaces'][number]): InterfaceForm {
  const form: InterfaceForm = { type: nic.type };
  const source = nic.source?.network ?? nic.source?.bridge ?? nic.source?.dev;
  if (source !== undefined) form.source = source;
  if (nic.model !== undefined) form.model = nic.model;
  if (nic.mac !== undefined) form.mac = nic.mac;
  return form;
}
