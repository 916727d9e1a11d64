/** Test support: small domain definitions and capability variants. Not exported from the package. */
import { parseDomain, type Domain } from '@virtdeck/schema';
import type { HostCapabilities, KvmDeviceStatus } from '../capabilities.js';
import { hostCapabilitiesFixture } from './conformance.js';

/** Parses a definition that must parse; `devices` and `extra` are spliced into a minimal x86 guest. */
export function domainFrom(xml: string): Domain {
  const { domain, diagnostics } = parseDomain(xml);
  if (!domain) throw new Error(`test definition did not parse: ${diagnostics.map((d) => d.message).join('; ')}`);
  return domain;
}

export function guest(options: { type?: string; machine?: string; devices?: string; extra?: string; os?: string; name?: string } = {}): Domain {
  return domainFrom(`<domain type='${options.type ?? 'qemu'}'>
  <name>${options.name ?? 'demo'}</name>
  <uuid>6f1c3a3e-7b7a-4e43-9d0a-2f1d1a9c0b11</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='${options.machine ?? 'q35'}'>hvm</type>
    ${options.os ?? ''}
  </os>
  ${options.extra ?? ''}
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    ${options.devices ?? ''}
  </devices>
</domain>`);
}

/** The probed 7.2 capabilities with another host OS or KVM device state. */
export function capsWith(change: { os?: string; kvmDevice?: KvmDeviceStatus; kvmEnabled?: boolean; accelerators?: string[] }): HostCapabilities {
  const caps = hostCapabilitiesFixture();
  if (change.os) caps.host.os = change.os;
  if (change.kvmDevice) caps.kvmDevice = change.kvmDevice;
  for (const e of caps.emulators) {
    if (change.kvmEnabled !== undefined) e.kvm.enabled = change.kvmEnabled;
    if (change.accelerators) e.accelerators = change.accelerators;
  }
  return caps;
}

/** Values of every occurrence of an option in argv. */
export function optionValues(argv: readonly string[], flag: string): string[] {
  const values: string[] = [];
  argv.forEach((a, i) => {
    if (a === flag && argv[i + 1] !== undefined) values.push(argv[i + 1] as string);
  });
  return values;
}

/** The JSON objects of every -device (or other JSON option) in argv. */
export function jsonValues(argv: readonly string[], flag: string): Array<Record<string, unknown>> {
  return optionValues(argv, flag)
    .filter((v) => v.startsWith('{'))
    .map((v) => JSON.parse(v) as Record<string, unknown>);
}
