import type { HostCapabilities } from '@virtdeck/qemu';
import type { HostCapabilitySummary } from '../api.js';
import { hostInfo } from '../http/hostInfo.js';

/** The brief form of a host's capabilities that the host list shows. */
export function summarizeCapabilities(caps: HostCapabilities, hypervisor?: string): HostCapabilitySummary {
  const version = caps.emulators[0]?.version;
  const qemu = version ? `QEMU ${version.major}.${version.minor}.${version.micro}` : 'no QEMU';
  return {
    arch: caps.host.arch,
    hypervisor: hypervisor ? `${hypervisor} / ${qemu}` : qemu,
    accelerators: hostInfo(caps)
      .accelerators.filter((a) => a.usable)
      .map((a) => a.name),
  };
}
