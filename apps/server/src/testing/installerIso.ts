import { inject } from 'vitest';
import { escapeXml, LIFECYCLE_XML, SERIAL_CONSOLE_XML } from '../templates/xmlText.js';

/** The bootable ISO of the integration set-up (scripts/lib/installer-iso.mjs): a banner on VGA, the demo guest's marker on serial. */
export interface InstallerIso {
  iso: string;
  banner: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    installerIso: InstallerIso;
  }
}

export const installerIso = (): InstallerIso => inject('installerIso');

/** A guest that boots the ISO from its CD-ROM, with a VGA screen behind a VNC display. */
export function isoGuestXml(name: string, iso: string, { password }: { password?: string } = {}): string {
  const passwd = password === undefined ? '' : ` passwd='${escapeXml(password)}'`;
  return `<domain type='qemu'>
  <name>${escapeXml(name)}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='cdrom'/>
  </os>
  <features>
    <acpi/>
  </features>
${LIFECYCLE_XML}
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${escapeXml(iso)}'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
${SERIAL_CONSOLE_XML}
    <graphics type='vnc'${passwd}/>
    <video>
      <model type='vga'/>
    </video>
  </devices>
</domain>
`;
}
