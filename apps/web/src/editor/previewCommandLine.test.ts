import { parseDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import type { HostInfo } from '../api/types';
import hostJson from './fixtures/host.json';
import { previewCommandLine } from './previewCommandLine';

// GET /api/host from this project's server on Debian 12 (QEMU 7.2), trimmed to one emulator.
const host = hostJson as unknown as HostInfo;

const DEMO = `<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>/cache/vmlinuz</kernel>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='pty'><target port='0'/></serial>
  </devices>
</domain>
`;

const preview = (text: string) => previewCommandLine(parseDomain(text).domain!, host, Date.UTC(2026, 10, 27));

describe('command line preview', () => {
  it('is the argv the definition becomes on this host, and the same as one copyable line', () => {
    const result = preview(DEMO);
    if ('error' in result) throw new Error(result.error);
    expect(result.argv[0]).toBe('/usr/bin/qemu-system-x86_64');
    expect(result.argv).toEqual(expect.arrayContaining(['-name', '-accel', 'tcg', '-m', '-kernel', '/cache/vmlinuz']));
    expect(result.line.split('\n')).toHaveLength(1);
    expect(result.line.startsWith('/usr/bin/qemu-system-x86_64 ')).toBe(true);
  });

  it('follows the accelerator as it is typed', () => {
    const kvm = preview(DEMO.replace("type='qemu'", "type='kvm'"));
    if ('error' in kvm) throw new Error(kvm.error);
    expect(kvm.argv[kvm.argv.indexOf('-accel') + 1]).toBe('kvm');
  });

  it('says why when a host check stops it', () => {
    const result = preview(DEMO.replace("type='qemu'", "type='kqemu'"));
    const diagnostics = 'error' in result ? [] : result.diagnostics;
    const text = 'error' in result ? result.error : diagnostics.map((d) => d.message).join('\n');
    expect(text).toMatch(/kqemu/i);
  });
});
