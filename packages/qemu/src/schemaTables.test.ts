import { NET_TX_MODES, VNC_SHARE_POLICIES } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { hostCapabilitiesFixture } from './testing/conformance.js';
import { guest, jsonValues, optionValues } from './testing/domains.js';

const argvOf = (devices: string) => buildArgv(guest({ devices }), hostCapabilitiesFixture()).argv;

describe("the schema's value tables in the command line", () => {
  it.each(Object.keys(VNC_SHARE_POLICIES))("gives VNC's sharePolicy='%s' to QEMU as share=", (policy) => {
    const vnc = optionValues(argvOf(`<graphics type='vnc' port='5901' sharePolicy='${policy}'/>`), '-vnc')[0];
    expect(vnc).toContain(`share=${policy}`);
  });

  it.each([
    ['iothread', 'bh'],
    ['timer', 'timer'],
  ] as const)("turns a virtio NIC's txmode='%s' into tx=%s", (txmode, tx) => {
    expect(Object.keys(NET_TX_MODES)).toContain(txmode);
    const nic = jsonValues(argvOf(`<interface type='user'><model type='virtio'/><driver name='qemu' txmode='${txmode}'/></interface>`), '-device').find((d) => d.driver === 'virtio-net-pci');
    expect(nic?.tx).toBe(tx);
  });

  it('leaves a value the schema does not know out', () => {
    expect(optionValues(argvOf("<graphics type='vnc' port='5901' sharePolicy='sometimes'/>"), '-vnc')[0]).not.toContain('share=');
  });
});
