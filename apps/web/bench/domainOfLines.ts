/**
 * A valid domain definition of about `lines` lines, for timing the editor: the demo guest's
 * shape, padded with realistic devices (file-backed SCSI disks on one virtio-scsi
 * controller, which has room for hundreds) so the validator has real work on every line.
 */
export function domainOfLines(lines: number): string {
  const head = [
    "<domain type='qemu'>",
    '  <name>bench</name>',
    '  <memory unit=\'MiB\'>256</memory>',
    "  <vcpu placement='static'>1</vcpu>",
    '  <os>',
    "    <type arch='x86_64' machine='q35'>hvm</type>",
    '  </os>',
    '  <devices>',
    '    <emulator>/usr/bin/qemu-system-x86_64</emulator>',
    "    <controller type='scsi' index='0' model='virtio-scsi'/>",
  ];
  const tail = ["    <serial type='pty'>", "      <target port='0'/>", '    </serial>', '  </devices>', '</domain>'];
  const disks: string[] = [];
  for (let i = 0; head.length + disks.length + tail.length + 6 <= lines; i++) {
    disks.push(
      "    <disk type='file' device='disk'>",
      "      <driver name='qemu' type='raw'/>",
      `      <source file='/var/lib/virtdeck/images/bench-${i}.img'/>`,
      `      <target dev='sd${diskLetters(i)}' bus='scsi'/>`,
      `      <address type='drive' controller='0' bus='0' target='0' unit='${i}'/>`,
      '    </disk>',
    );
  }
  const body = [...head, ...disks, ...tail];
  while (body.length < lines) body.splice(body.length - 2, 0, '    <!-- padding -->');
  return `${body.join('\n')}\n`;
}

/** 0 → a, 25 → z, 26 → aa: libvirt's disk name suffixes. */
export function diskLetters(index: number): string {
  let n = index;
  let out = '';
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return out;
}
