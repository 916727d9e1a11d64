/** Pieces shared by the device schemas. */
import { acpiSpec, addressSpec, aliasSpec } from '../common.js';
import { data, element, one, required } from '../types.js';

export const placement = { alias: one(aliasSpec), acpi: one(acpiSpec), address: one(addressSpec) };
export const audioRef = element('the <audio> backend used', { attributes: { id: required('the audio id', data('uint8')) } });
