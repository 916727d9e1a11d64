import { KVM_DEVICE_PROBLEMS, type HostCapabilities } from '@virtdeck/qemu';
import { ACCELERATORS, type AcceleratorInfo } from '@virtdeck/schema';
import type { HostAccelerator, HostInfo } from '../api.js';

/**
 * `GET /api/host`: the probed capabilities, plus every accelerator a definition can name
 * with whether this host can use it and, when not, a reason a person can act on; `caution`
 * says what guests showed of one that opens (see host/acceleratorObservations.ts).
 */
export function hostInfo(caps: HostCapabilities, caution: (accelerator: string) => string | undefined = () => undefined): HostInfo {
  return {
    ...caps,
    accelerators: Object.values(ACCELERATORS).map((info) => {
      const usable = usability(info, caps);
      const seen = usable.usable ? caution(info.name) : undefined;
      return seen ? { ...info, ...usable, caution: seen } : { ...info, ...usable };
    }),
  };
}

function usability(info: AcceleratorInfo, caps: HostCapabilities): Pick<HostAccelerator, 'usable' | 'reason'> {
  if (info.status !== 'available') return { usable: false, reason: info.summary };
  if (info.hostOS !== undefined && info.hostOS !== caps.host.os) {
    return { usable: false, reason: `${info.title} exists only on ${info.hostOS} hosts; this host runs ${caps.host.os}. Use qemu (TCG) instead.` };
  }
  const qemuName = info.qemuName ?? info.name;
  if (!caps.emulators.some((e) => e.accelerators.includes(qemuName))) {
    return {
      usable: false,
      reason: caps.emulators.length === 0 ? 'No QEMU emulator was found on this host' : `No QEMU on this host was built with the ${qemuName} accelerator`,
    };
  }
  if (info.name === 'kvm' && !caps.kvmDevice.usable) {
    const problem = caps.kvmDevice.problem ? KVM_DEVICE_PROBLEMS[caps.kvmDevice.problem] : 'cannot be used';
    return { usable: false, reason: `${caps.kvmDevice.path} ${problem}. Use qemu (TCG) instead.` };
  }
  if (info.name === 'xen') return { usable: false, reason: 'Xen needs a host booted under the Xen hypervisor (dom0), which virtdeck does not manage' };
  return { usable: true };
}
