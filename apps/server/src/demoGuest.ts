import { escapeXml, LIFECYCLE_XML, SERIAL_CONSOLE_XML, USER_NETWORK_XML } from './templates/xmlText.js';

/** The small real guest `npm start` builds (scripts/lib/demo-guest.mjs): a kernel and a busybox initramfs. */
export interface DemoGuestFiles {
  kernel: string;
  initrd: string;
  cmdline: string;
}

/**
 * A minimal TCG guest booting the demo kernel directly: serial console (virtdeck turns it
 * into the browser console), ACPI so the power button works, user networking.
 * TCG rather than KVM because KVM guests hang at boot on these nested-virtualization hosts.
 */
export function demoGuestXml(name: string, files: DemoGuestFiles, emulator = '/usr/bin/qemu-system-x86_64'): string {
  return `<domain type='qemu'>
  <name>${escapeXml(name)}</name>
  <title>virtdeck demo guest</title>
  <description>A Debian cloud kernel with a busybox initramfs. It prints VIRTDECK-GUEST-READY on its serial console, gives a shell there and powers off on the ACPI power button.</description>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>${escapeXml(files.kernel)}</kernel>
    <initrd>${escapeXml(files.initrd)}</initrd>
    <cmdline>${escapeXml(files.cmdline)}</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <clock offset='utc'/>
${LIFECYCLE_XML}
  <devices>
    <emulator>${escapeXml(emulator)}</emulator>
${USER_NETWORK_XML}
${SERIAL_CONSOLE_XML}
    <memballoon model='virtio'/>
  </devices>
</domain>
`;
}

/** The demo guest's files, from `VIRTDECK_DEMO_GUEST` (JSON), as `npm start` passes them. */
export function parseDemoGuestFiles(json: string | undefined): DemoGuestFiles | undefined {
  if (!json) return undefined;
  const value = JSON.parse(json) as Partial<DemoGuestFiles>;
  if (typeof value.kernel !== 'string' || typeof value.initrd !== 'string' || typeof value.cmdline !== 'string') {
    throw new Error('VIRTDECK_DEMO_GUEST must be JSON with kernel, initrd and cmdline');
  }
  return { kernel: value.kernel, initrd: value.initrd, cmdline: value.cmdline };
}
