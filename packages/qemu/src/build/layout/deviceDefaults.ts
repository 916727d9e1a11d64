/** Device defaults libvirt fills in after parsing, shared by the layout and the device builders. */
import type { Disk, Input, Interface, Video } from '@virtdeck/schema';
import { diskBus as inferredDiskBus, knownNicModel } from '@virtdeck/schema';

/** libvirt's disk name to index (hda -> 0, sdb -> 1, vdaa -> 26), as the schema reads it. */
export { diskNameIndex } from '@virtdeck/schema';

/** Disk bus as libvirt infers it from the target name (hd* IDE, sd* SCSI, vd* virtio, fd* floppy); IDE when nothing says. */
export function diskBus(disk: Disk): string {
  return inferredDiskBus(disk) ?? 'ide';
}

/** The NIC model with libvirt's defaulting and case rules for known models. */
export function nicModel(iface: Interface): string {
  const model = iface.model;
  if (model === undefined) return 'rtl8139';
  return knownNicModel(model) ?? model;
}

export function videoType(video: Video): string {
  return video.model?.type ?? 'cirrus';
}

/** Input bus with the x86 defaults: PS/2 for mouse and keyboard, USB for a tablet. */
export function inputBus(input: Input): string {
  if (input.bus) return input.bus;
  if (input.type === 'tablet') return 'usb';
  if (input.type === 'mouse' || input.type === 'keyboard') return 'ps2';
  return 'none';
}
