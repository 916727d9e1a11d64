/**
 * libvirt's `default` network as Debian ships it (/usr/share/libvirt/networks/default.xml):
 * NAT on 192.168.122.0/24 with DHCP. virtdeck defines it on its first start, so virt-manager's
 * and virt-install's default NIC (`<source network='default'/>`) has a network to join; it runs
 * as user-mode networking with these addresses (see @virtdeck/qemu's netBackends).
 */
export const DEFAULT_NETWORK_XML = `<network>
  <name>default</name>
  <bridge name='virbr0'/>
  <forward/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
`;
