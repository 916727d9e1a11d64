/** Smartcards, on the CCID reader (usb-ccid): emulated from certificates or the host, or passed through. */
import { hasDevice, type BuildContext } from '../build/context.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';
import { chardevValue } from './chardev.js';

export function buildSmartcardArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.domain.devices.smartcards.forEach((card, i) => {
    const id = ctx.layout.alias.get(card);
    const slot = ctx.layout.ccid.get(card);
    const bus = `${ctx.layout.controllerAlias('ccid', slot?.controller ?? 0) ?? 'ccid0'}.0`;
    let props: JsonObject;
    switch (card.mode ?? 'host') {
      case 'host':
        props = { driver: 'ccid-card-emulated', backend: 'nss-emulated', id, bus };
        break;
      case 'host-certificates': {
        props = { driver: 'ccid-card-emulated', backend: 'certificates' };
        card.certificates.forEach((cert, n) => {
          props[`cert${n + 1}`] = cert;
        });
        props.db = card.database ?? '/etc/pki/nssdb';
        Object.assign(props, { id, bus });
        break;
      }
      case 'passthrough': {
        if (!card.chardev) {
          ctx.diagnostics.error('missing-attribute', card.node, "A passthrough smartcard needs a character device type (type='spicevmc' or tcp).");
          return;
        }
        const chardevId = `charsmartcard${i}`;
        const value = chardevValue(ctx, { ...card.chardev, kind: 'smartcard' }, chardevId, 'other');
        if (!value) return;
        options.push({ flag: '-chardev', value });
        props = { driver: 'ccid-card-passthru', chardev: chardevId, id, bus };
        break;
      }
      default:
        ctx.diagnostics.unsupported(card.node, `Smartcard mode '${card.mode ?? '?'}'`, true);
        return;
    }
    const driver = String(props.driver);
    if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', card.node, `This QEMU has no '${driver}' device.`);
    options.push({ flag: '-device', value: jsonOption(props) });
  });
  return options;
}
