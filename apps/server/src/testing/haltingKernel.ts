/** A multiboot kernel (a.out kludge: loaded whole at 1 MiB, entered in 32-bit protected mode at 1 MiB + 32) with this code. */
function multibootKernel(code: readonly number[]): Buffer {
  const magic = 0x1badb002;
  const flags = 0x00010000;
  const header = [magic, flags, (-(magic + flags)) >>> 0, 0x100000, 0x100000, 0, 0, 0x100020];
  const image = Buffer.alloc(32 + Math.max(32, code.length));
  header.forEach((word, i) => image.writeUInt32LE(word, i * 4));
  Buffer.from(code).copy(image, 32);
  return image;
}

/** cli; hlt; jmp back to the hlt. */
const HALT = [0xfa, 0xf4, 0xeb, 0xfd];

/**
 * A kernel whose code is `cli; hlt; jmp $-1`: QEMU boots it like any -kernel, and it then
 * halts for ever without a byte on any port, as a KVM guest on a host without working nested
 * virtualization does.
 */
export function haltingKernel(): Buffer {
  return multibootKernel(HALT);
}

/**
 * A kernel that arms an ib700 watchdog for 2 s (index 14 of QEMU's wdt_ib700 time map,
 * written to port 0x443) and halts without ever feeding it: QEMU then carries out its
 * -watchdog-action by itself. Needs `<watchdog model='ib700' action='…'/>`.
 */
export function watchdogKernel(): Buffer {
  // mov al, 0x0e; mov dx, 0x443; out dx, al
  return multibootKernel([0xb0, 0x0e, 0x66, 0xba, 0x43, 0x04, 0xee, ...HALT]);
}
