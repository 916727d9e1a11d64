/**
 * The smallest definition a server test defines: q35, no devices, with a comment of the user's own that
 * every save must keep.
 */
export const smallDefinition = (name: string, memoryMiB = 64): string => `<domain type='qemu'>
  <name>${name}</name>
  <!-- the user's own words -->
  <memory unit='MiB'>${memoryMiB}</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
</domain>
`;

/** A q35 guest whose one disk (vda, virtio) is `file` in `format`; `devices` follow the disk. */
export const definitionWithDisk = (name: string, file: string, { format = 'qcow2', devices = '' } = {}): string => `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='${format}'/>
      <source file='${file}'/>
      <target dev='vda' bus='virtio'/>
    </disk>${devices}
  </devices>
</domain>
`;
