import { describe, expect, it } from 'vitest';
import { assignUsbAddresses, formatUsbPort, hubsNeeded, parseUsbPort, usbControllerPorts, type UsbDeviceSlot } from './usb.js';

const port = (d: UsbDeviceSlot): string => (d.port ? `${d.bus}:${formatUsbPort(d.port)}` : 'none');

describe('assignUsbAddresses', () => {
  it('gives devices the lowest free port in order', () => {
    const devices: UsbDeviceSlot[] = [{ label: 'tablet' }, { label: 'disk' }];
    expect(assignUsbAddresses({ controllers: [{ index: 0, ports: 2 }], hubs: [], devices })).toEqual([]);
    expect(devices.map(port)).toEqual(['0:1', '0:2']);
  });

  it('places hubs first and fills the root hub before going behind a hub', () => {
    // libvirt's controller-order case: hub on port 1; the host device takes root port 2,
    // then the smartcard reader and the tablet go behind the hub.
    const hubs: UsbDeviceSlot[] = [{ label: 'hub0' }];
    const devices: UsbDeviceSlot[] = [{ label: 'hostdev0' }, { label: 'ccid0' }, { label: 'input0' }];
    expect(assignUsbAddresses({ controllers: [{ index: 0, ports: 2 }], hubs, devices })).toEqual([]);
    expect([...hubs, ...devices].map(port)).toEqual(['0:1', '0:2', '0:1.1', '0:1.2']);
  });

  it('keeps configured ports and fills around them', () => {
    const devices: UsbDeviceSlot[] = [{ label: 'redir0', bus: 0, port: [2] }, { label: 'tablet' }, { label: 'redir1' }];
    assignUsbAddresses({ controllers: [{ index: 0, ports: 4 }], hubs: [], devices });
    expect(devices.map(port)).toEqual(['0:2', '0:1', '0:3']);
  });

  it('reports full buses and bad ports with the device name', () => {
    const devices: UsbDeviceSlot[] = [{ label: 'a', bus: 0, port: [7] }, { label: 'b' }, { label: 'c' }, { label: 'd' }];
    expect(assignUsbAddresses({ controllers: [{ index: 0, ports: 2 }], hubs: [], devices })).toEqual([
      { label: 'a', message: 'USB port 7 does not exist on bus 0' },
      { label: 'd', message: 'no free USB port is left' },
    ]);
  });
});

describe('USB helpers', () => {
  it('knows port counts per controller model', () => {
    expect(usbControllerPorts('piix3-uhci')).toBe(2);
    expect(usbControllerPorts('qemu-xhci')).toBe(4);
    expect(usbControllerPorts('qemu-xhci', 15)).toBe(15);
    expect(usbControllerPorts('ich9-uhci2')).toBe(0);
  });

  it('parses port paths and counts hubs', () => {
    expect(parseUsbPort('1.2')).toEqual([1, 2]);
    expect(parseUsbPort('0')).toBeUndefined();
    expect(parseUsbPort('1.x')).toBeUndefined();
    expect(hubsNeeded(3, 4)).toBe(0);
    expect(hubsNeeded(5, 4)).toBe(1);
    expect(hubsNeeded(20, 2)).toBe(3);
  });
});
