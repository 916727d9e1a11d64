/** A realistic domain of about `lines` lines: the demo guest with more disks, NICs and channels. */
export function domainOfLines(lines: number): string {
  const head = [
    "<domain type='kvm'>",
    '  <name>bench</name>',
    '  <uuid>4d0f1c8e-7a53-4c1b-9b7e-0f3a2d6c5e11</uuid>',
    "  <memory unit='GiB'>4</memory>",
    "  <currentMemory unit='GiB'>4</currentMemory>",
    "  <vcpu placement='static'>4</vcpu>",
    '  <os>',
    "    <type arch='x86_64' machine='q35'>hvm</type>",
    "    <boot dev='hd'/>",
    '  </os>',
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    "  <cpu mode='host-passthrough'>",
    "    <topology sockets='1' cores='2' threads='2'/>",
    '  </cpu>',
    "  <clock offset='utc'/>",
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    '    <emulator>/usr/bin/qemu-system-x86_64</emulator>',
    "    <controller type='pci' index='0' model='pcie-root'/>",
    "    <controller type='virtio-serial' index='0'/>",
    "    <serial type='pty'>",
    "      <target port='0'/>",
    '    </serial>',
    "    <console type='pty'>",
    "      <target type='serial' port='0'/>",
    '    </console>',
  ];
  const tail = ["    <memballoon model='virtio'/>", '  </devices>', '</domain>'];
  const body: string[] = [];
  let n = 0;
  const letters = (i: number): string => (i < 26 ? String.fromCharCode(97 + i) : letters(Math.floor(i / 26) - 1) + String.fromCharCode(97 + (i % 26)));
  while (head.length + body.length + tail.length < lines) {
    const kind = n % 3;
    if (kind === 0) {
      body.push(
        "    <disk type='file' device='disk'>",
        "      <driver name='qemu' type='qcow2' cache='none'/>",
        `      <source file='/var/lib/libvirt/images/disk${n}.qcow2'/>`,
        `      <target dev='vd${letters(n)}' bus='virtio'/>`,
        '    </disk>',
      );
    } else if (kind === 1) {
      const mac = (n % 256).toString(16).padStart(2, '0');
      const mac2 = Math.floor(n / 256).toString(16).padStart(2, '0');
      body.push("    <interface type='network'>", `      <mac address='52:54:00:00:${mac2}:${mac}'/>`, "      <source network='default'/>", "      <model type='virtio'/>", '    </interface>');
    } else {
      body.push("    <channel type='unix'>", `      <target type='virtio' name='org.example.channel.${n}'/>`, '    </channel>');
    }
    n++;
  }
  return [...head, ...body, ...tail].join('\n') + '\n';
}
