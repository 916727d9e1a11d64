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

/**
 * Empty PCIe ports a q35 guest is given beyond what its own devices take, so disks and NICs can
 * be hot-plugged (a q35 root bus takes none); virt-install leaves free ones the same way.
 */
export const SPARE_PCIE_PORTS = 4;

/** `count` pcie-root-ports, indexes from 1 (0 is the PCIe root's). */
export function pcieRootPortsXml(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `<controller type='pci' index='${i + 1}' model='pcie-root-port'/>`);
}
