/** The XML escape is @virtdeck/schema's; the templates' users import it from here too. */
export { escapeXml } from '@virtdeck/schema';

/** What every template guest ends with: libvirt's default lifecycle actions, spelled out. */
export const LIFECYCLE_XML = `  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>`;

/** A serial port on a pty with its console: virtdeck turns it into the browser console. */
export const SERIAL_CONSOLE_XML = `    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>`;

/** User-mode networking with a virtio NIC: works without any host set-up. */
export const USER_NETWORK_XML = `    <interface type='user'>
      <model type='virtio'/>
    </interface>`;
