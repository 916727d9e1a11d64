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
