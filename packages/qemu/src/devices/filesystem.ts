/** Shared folders over virtio-9p (-fsdev + virtio-9p-pci). virtiofs needs virtiofsd. */
import type { FILESYSTEM_ACCESS_MODES } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { versionAtLeast } from '../capabilities.js';
import { jsonOption, keyValue, type QemuOption } from '../options.js';

const SECURITY_MODELS: Record<string, string> = { passthrough: 'passthrough', mapped: 'mapped', squash: 'none' } satisfies Record<keyof typeof FILESYSTEM_ACCESS_MODES, string>;

export function buildFilesystemArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  for (const fs of ctx.domain.devices.filesystems) {
    const id = ctx.layout.alias.get(fs) ?? 'fs';
    const driver = fs.driver?.type ?? 'path';
    if (driver === 'virtiofs') {
      ctx.diagnostics.unsupported(fs.node, 'A virtiofs share (it needs virtiofsd running)', true);
      continue;
    }
    if ((fs.type ?? 'mount') !== 'mount' || (driver !== 'path' && driver !== 'handle')) {
      ctx.diagnostics.unsupported(fs.node, `A filesystem of type '${fs.type ?? 'mount'}' with driver '${driver}'`, true);
      continue;
    }
    if (driver === 'handle' && ctx.emulator && versionAtLeast(ctx.emulator.version, 6, 0)) {
      ctx.diagnostics.error('invalid-combination', fs.driver?.node ?? fs.node, "QEMU 6.0 removed the 'handle' filesystem driver: use <driver type='path'/>.");
    }
    const fsdev = `fsdev-${id}`;
    const securityModel = driver === 'path' ? SECURITY_MODELS[fs.accessmode ?? 'passthrough'] : undefined;
    options.push({
      flag: '-fsdev',
      value: keyValue(
        [
          ['security_model', securityModel],
          ['writeout', fs.driver?.wrpolicy],
          ['id', fsdev],
          ['path', fs.source?.dir],
          ['readonly', fs.readonly ? true : undefined],
        ],
        driver === 'handle' ? 'handle' : 'local',
      ),
    });
    const deviceDriver = fs.model === 'virtio-transitional' ? 'virtio-9p-pci-transitional' : fs.model === 'virtio-non-transitional' ? 'virtio-9p-pci-non-transitional' : 'virtio-9p-pci';
    if (!hasDevice(ctx, deviceDriver)) ctx.diagnostics.error('device-model-unknown', fs.node, `This QEMU has no '${deviceDriver}' device.`);
    options.push({
      flag: '-device',
      value: jsonOption({ driver: deviceDriver, id, fsdev, mount_tag: fs.target?.dir, ...pciBusProps(ctx, ctx.layout.pci.get(fs)) }),
    });
  }
  return options;
}
