/** Shorthands for common shapes of schema entries. */
import { ON_OFF, onOff } from './common.js';
import { attr, data, element, type ElementSpec, oneOf, required, type ValueSpec } from './types.js';

export const sized = (doc: string, extra: ElementSpec['attributes'] = {}): ElementSpec =>
  element(doc, { text: data('ulong'), attributes: { unit: attr('the unit of the size (default KiB)', data('unit')), ...extra } });
export const textOf = (doc: string, value: ValueSpec): ElementSpec => element(doc, { text: value });
export const state = (doc: string): ElementSpec => element(doc, { attributes: { state: onOff('on or off') } });
export const stateRequired = (doc: string, extra: ElementSpec['attributes'] = {}): ElementSpec =>
  element(doc, { attributes: { state: required('on or off', oneOf(ON_OFF)), ...extra } });

