/** The virtio vsock device; QEMU opens /dev/vhost-vsock itself. */
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type QemuOption } from '../options.js';

/** The lowest CID a guest may have (0-2 are reserved for the hypervisor and the host). */
const FIRST_GUEST_CID = 3;

export function buildVsockArgs(ctx: BuildContext): QemuOption[] {
  const vsock = ctx.domain.devices.vsock;
  if (!vsock) return [];
  const driver = vsock.model === 'virtio-transitional' ? 'vhost-vsock-pci-transitional' : vsock.model === 'virtio-non-transitional' ? 'vhost-vsock-pci-non-transitional' : 'vhost-vsock-pci';
  let cid = vsock.cid?.address;
  if (cid === undefined || vsock.cid?.auto === true) {
    ctx.diagnostics.warning(
      'not-supported-yet',
      vsock.node,
      `Automatic vsock CID allocation is not supported by virtdeck yet: CID ${cid ?? FIRST_GUEST_CID} is used, which must be unique on the host.`,
    );
    cid ??= FIRST_GUEST_CID;
  }
  if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', vsock.node, `This QEMU has no '${driver}' device.`);
  return [{ flag: '-device', value: jsonOption({ driver, id: ctx.layout.alias.get(vsock), 'guest-cid': cid, ...pciBusProps(ctx, ctx.layout.pci.get(vsock)) }) }];
}
