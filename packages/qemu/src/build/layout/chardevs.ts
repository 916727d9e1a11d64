/** Serial ports and consoles as libvirt pairs them: the first serial console is the first serial port. */
import type { CharDevice, Domain } from '@virtdeck/schema';

export interface CharDeviceLayout {
  /** Serial ports, including one made from a serial console that had no port of its own. */
  serials: CharDevice[];
  /** The guest port (COM index) of each serial: the configured one, else the lowest free. */
  serialPort: Map<CharDevice, number>;
  /** Consoles that are devices of their own (virtio); a serial console is its serial port. */
  consoles: CharDevice[];
  /** Virtio consoles, then virtio channels: what sits on virtio-serial ports. */
  virtioConsoles: CharDevice[];
  virtioChannels: CharDevice[];
}

export function layoutCharDevices(dev: Domain['devices'], implicit: Set<object>): CharDeviceLayout {
  const serials: CharDevice[] = [...dev.serials];
  const consoles: CharDevice[] = [];
  dev.consoles.forEach((console, i) => {
    const targetType = console.target?.type ?? 'serial';
    if (i === 0 && targetType === 'serial') {
      // The first serial console is the first serial port; without one it becomes one.
      if (serials.length === 0) {
        serials.push(console);
        implicit.add(console);
      }
      return;
    }
    consoles.push(console);
  });
  const serialPort = new Map<CharDevice, number>();
  for (const s of serials) if (s.target?.port !== undefined) serialPort.set(s, s.target.port);
  for (const s of serials) {
    if (serialPort.has(s)) continue;
    let port = 0;
    while ([...serialPort.values()].includes(port)) port++;
    serialPort.set(s, port);
  }
  return {
    serials,
    serialPort,
    consoles,
    virtioConsoles: consoles.filter((c) => c.target?.type === 'virtio'),
    virtioChannels: dev.channels.filter((c) => (c.target?.type ?? 'virtio') === 'virtio'),
  };
}
