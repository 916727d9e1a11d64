/** <seclabel> and <launchSecurity>. */
import { LAUNCH_SECURITY_TYPES, SECLABEL_MODELS, SECLABEL_TYPES } from '../model/security.js';
import { yesNo } from './common.js';
import { textOf } from './shorthands.js';
import { attr, data, element, must, one, oneOf, required, suggest } from './types.js';

export const launchSecuritySpec = element('confidential computing: memory encryption of the guest', {
  attributes: { type: required('the technology', oneOf(LAUNCH_SECURITY_TYPES)) },
  variants: {
    attribute: 'type',
    cases: {
      sev: {
        attributes: { kernelHashes: yesNo('include kernel hashes in the measurement') },
        children: {
          cbitpos: one(textOf('the C-bit position in page table entries', data('uint'))),
          reducedPhysBits: one(textOf('physical address bits lost to encryption', data('uint'))),
          policy: must(textOf('the guest policy word', data('hexuint'))),
          handle: one(textOf('the SEV handle', data('uint'))),
          dhCert: one(textOf("the guest owner's Diffie-Hellman key (base64)", data('string'))),
          session: one(textOf('the session blob (base64)', data('string'))),
        },
      },
      'sev-snp': {
        attributes: { kernelHashes: yesNo('include kernel hashes in the measurement'), authorKey: yesNo('an author key is present'), vcek: yesNo('use the VCEK') },
        children: {
          cbitpos: one(textOf('the C-bit position', data('uint'))),
          reducedPhysBits: one(textOf('physical address bits lost to encryption', data('uint'))),
          policy: one(textOf('the guest policy', data('hexuint'))),
          guestVisibleWorkarounds: one(textOf('guest-visible workarounds', data('string'))),
          idBlock: one(textOf('the ID block', data('string'))),
          idAuth: one(textOf('the ID authentication', data('string'))),
          hostData: one(textOf('host data', data('string'))),
        },
      },
      's390-pv': {},
      tdx: {
        children: {
          policy: one(textOf('the TD attributes', data('hexuint'))),
          mrConfigId: one(textOf('the config id', data('string'))),
          mrOwner: one(textOf('the owner id', data('string'))),
          mrOwnerConfig: one(textOf('the owner configuration', data('string'))),
          quoteGenerationService: one(element('the quote generation service', { attributes: { path: attr('socket path', data('absPath')) } })),
        },
      },
    },
  },
});
export const seclabelSpec = element('the security label of the guest', {
  attributes: {
    type: attr('dynamic, static or none', oneOf(SECLABEL_TYPES)),
    model: attr('the security driver', suggest(SECLABEL_MODELS, 'string')),
    relabel: yesNo('whether libvirt relabels resources'),
  },
  children: {
    label: one(textOf('the label', data('string'))),
    imagelabel: one(textOf('the label of the image files', data('string'))),
    baselabel: one(textOf('the base for generated labels', data('string'))),
  },
  constraints: [
    { kind: 'requires', when: '@type=static', then: ['label'], message: "A static seclabel needs a <label>." },
    { kind: 'forbids', when: '@type=none', names: ['@relabel=yes'], message: "A seclabel of type 'none' cannot relabel." },
  ],
});
