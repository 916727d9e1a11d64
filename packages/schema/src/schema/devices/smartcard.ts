/** <smartcard> readers. */
import { CHARDEV_TYPES } from '../../model/devices/chardev.js';
import { SMARTCARD_MODES } from '../../model/devices/smartcard.js';
import { acpiSpec, addressSpec, aliasSpec, chardevCommonChildren } from '../common.js';
import { data, element, one, oneOf, required } from '../types.js';

export const smartcardSpec = element('a smartcard reader (CCID)', {
  attributes: { mode: required('where the card comes from', oneOf(SMARTCARD_MODES)) },
  children: { acpi: one(acpiSpec), address: one(addressSpec), alias: one(aliasSpec) },
  variants: {
    attribute: 'mode',
    cases: {
      host: {},
      'host-certificates': {
        children: {
          certificate: { spec: element('a certificate name in the NSS database', { text: data('string') }), min: 3, max: 3 },
          database: one(element('the NSS database directory', { text: data('absDirPath') })),
        },
      },
      passthrough: {
        attributes: { type: required('the character device', oneOf(CHARDEV_TYPES)) },
        children: { ...chardevCommonChildren, target: one(element('target', { anyContent: true })) },
      },
    },
  },
});
