/**
 * A multiboot kernel (a.out kludge: loaded whole at 1 MiB) whose code is `cli; hlt; jmp $-1`:
 * QEMU boots it like any -kernel, and it then halts for ever without a byte on any port, as
 * a KVM guest on a host without working nested virtualization does.
 */
export function haltingKernel(): Buffer {
  const magic = 0x1badb002;
  const flags = 0x00010000;
  const header = [magic, flags, (-(magic + flags)) >>> 0, 0x100000, 0x100000, 0, 0, 0x100020];
  const image = Buffer.alloc(64);
  header.forEach((word, i) => image.writeUInt32LE(word, i * 4));
  Buffer.from([0xfa, 0xf4, 0xeb, 0xfd]).copy(image, 32);
  return image;
}
