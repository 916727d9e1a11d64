/** <tpm> devices and their backends. */
import { TPM_BACKEND_TYPES, TPM_MODELS, TPM_VERSIONS } from '../../model/devices/tpm.js';
import { addressSpec, aliasSpec, yesNo } from '../common.js';
import { attr, data, element, must, one, oneOf, required } from '../types.js';

export const tpmSpec = element('a TPM', {
  attributes: { model: attr('the TPM interface', oneOf(TPM_MODELS)) },
  children: {
    alias: one(aliasSpec),
    address: one(addressSpec),
    backend: must(
      element('what implements the TPM', {
        attributes: { type: required('the backend', oneOf(TPM_BACKEND_TYPES)), version: attr('the TPM version', oneOf(TPM_VERSIONS)) },
        variants: {
          attribute: 'type',
          cases: {
            passthrough: { children: { device: one(element('the host TPM device', { attributes: { path: attr('the device', data('filePath')) } })) } },
            emulator: {
              attributes: {
                persistent_state: yesNo('keep the TPM state when the guest is undefined'),
                debug: attr('swtpm debug level', data('uint')),
                profile: attr('the swtpm profile', data('string')),
              },
              children: {
                encryption: one(element('encrypt the TPM state', { attributes: { secret: required('the secret UUID', data('uuid')) } })),
                active_pcr_banks: one(
                  element('the active PCR banks', {
                    children: { sha1: one(element('SHA-1')), sha256: one(element('SHA-256')), sha384: one(element('SHA-384')), sha512: one(element('SHA-512')) },
                  }),
                ),
                source: one(element('where the TPM state lives', { attributes: { type: attr('file or dir', oneOf({ file: 'a file', dir: 'a directory' })), path: attr('the path', data('absPath')) } })),
                profile: one(element('the swtpm profile', { anyContent: true })),
              },
            },
            external: {
              children: {
                source: one(
                  element('the swtpm socket', {
                    attributes: { type: required('unix', oneOf({ unix: 'a UNIX socket' })), path: required('the socket', data('filePath')), mode: required('connect', oneOf({ connect: 'connect' })) },
                  }),
                ),
              },
            },
          },
        },
      }),
    ),
  },
});
