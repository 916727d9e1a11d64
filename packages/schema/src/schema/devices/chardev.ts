/** Character devices: <serial>, <console>, <parallel>, <channel>, <redirdev>. */
import { CHANNEL_TARGET_TYPES, CHARDEV_TYPES, CONSOLE_TARGET_TYPES, SERIAL_TARGET_MODELS, SERIAL_TARGET_TYPES } from '../../model/devices/chardev.js';
import { REDIRDEV_BUSES } from '../../model/devices/redirdev.js';
import { bootSpec, chardevCommonChildren } from '../common.js';
import { attr, data, element, must, one, oneOf, required } from '../types.js';

export const chardevAttributes = {
  type: required('the host-side backend', oneOf(CHARDEV_TYPES)),
  tty: attr('the pty path (output)', data('absPath')),
};
const targetModelSpec = element('the QEMU device', { attributes: { name: required('the device', oneOf(SERIAL_TARGET_MODELS)) } });
/** libvirt's grammar shares one target description between serial, console and parallel; its parser reads the model of a serial only. */
const ignoredTargetModel = element('the QEMU device (read for a <serial> only: ignored here)', { attributes: { name: required('the device', oneOf(SERIAL_TARGET_MODELS)) } });

export const serialSpec = element('a serial port', {
  attributes: chardevAttributes,
  children: {
    ...chardevCommonChildren,
    target: one(
      element('the port the guest sees', {
        attributes: { type: attr('the kind of serial port', oneOf(SERIAL_TARGET_TYPES)), port: attr('the port number (0 = ttyS0)', data('uint')) },
        children: { model: one(targetModelSpec) },
      }),
    ),
  },
});
export const consoleSpec = element('a console: usually the first serial port', {
  attributes: { ...chardevAttributes, type: attr('the host-side backend', oneOf(CHARDEV_TYPES)) },
  children: {
    ...chardevCommonChildren,
    target: one(
      element('what the console is in the guest', {
        attributes: { type: attr('serial (ttyS0) or virtio (hvc0)', oneOf(CONSOLE_TARGET_TYPES)), port: attr('the port number', data('uint')) },
        children: { model: one(ignoredTargetModel) },
      }),
    ),
  },
});
export const parallelSpec = element('a parallel port', {
  attributes: chardevAttributes,
  children: {
    ...chardevCommonChildren,
    target: one(
      element('the port the guest sees', {
        attributes: {
          port: attr('the port number', data('uint')),
          // libvirt's parser does not read a parallel port's target type or model
          type: attr('ignored for a parallel port', oneOf({ ...SERIAL_TARGET_TYPES, ...CONSOLE_TARGET_TYPES })),
        },
        children: { model: one(ignoredTargetModel) },
      }),
    ),
  },
});
export const channelSpec = element('a channel between host and guest (guest agent, SPICE agent)', {
  attributes: chardevAttributes,
  children: {
    ...chardevCommonChildren,
    target: must(
      element('the guest end of the channel', {
        attributes: { type: required('virtio, guestfwd or xen', oneOf(CHANNEL_TARGET_TYPES)) },
        variants: {
          attribute: 'type',
          cases: {
            virtio: {
              attributes: {
                name: attr('the port name the guest sees (org.qemu.guest_agent.0)', data('string')),
                state: attr('whether the guest side is connected (output)', oneOf({ connected: 'connected', disconnected: 'disconnected' })),
              },
            },
            guestfwd: { attributes: { address: required('the guest-visible IP address', data('string')), port: required('the guest-visible TCP port', data('string')) } },
            xen: { attributes: { name: attr('the channel name', data('string')) } },
          },
        },
      }),
    ),
  },
});
export const redirdevSpec = element('a redirected USB device (SPICE)', {
  attributes: { bus: required('usb', oneOf(REDIRDEV_BUSES)), type: required('the character device carrying it', oneOf(CHARDEV_TYPES)) },
  children: { ...chardevCommonChildren, boot: one(bootSpec) },
});
