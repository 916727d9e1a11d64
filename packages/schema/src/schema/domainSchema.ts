/** Elements of libvirt's QEMU namespace, keyed `qemu:NAME` whatever prefix the document binds. */
import { ACCELERATOR_VALUES } from '../model/accelerators.js';
import { devicesSpec } from './devices/index.js';
import { generalSchema } from './general.js';
import { attr, data, element, many, one, required, type ElementSpec, type SchemaRoot } from './types.js';

const qemuNamespaceChildren = {
  'qemu:commandline': one(
    element('extra QEMU command-line arguments and environment (unsupported by libvirt: use with care)', {
      children: {
        'qemu:arg': many(element('one argument', { attributes: { value: required('the argument', data('string')) } })),
        'qemu:env': many(element('one environment variable', { attributes: { name: required('the variable', data('envName')), value: attr('its value', data('string')) } })),
      },
    }),
  ),
  'qemu:capabilities': one(
    element('QEMU capabilities to add or remove (testing)', {
      children: {
        'qemu:add': many(element('add a capability', { attributes: { capability: required('the capability', data('string')) } })),
        'qemu:del': many(element('remove a capability', { attributes: { capability: required('the capability', data('string')) } })),
      },
    }),
  ),
  'qemu:deprecation': one(
    element('how QEMU treats deprecated features', {
      attributes: { behavior: required('the behaviour', { kind: 'enum', values: { none: 'default', omit: 'hide them', reject: 'refuse them', crash: 'abort' } }) },
    }),
  ),
  'qemu:override': one(element('overrides of QEMU device properties', { anyContent: true })),
};

/** The root of the schema table: `<domain>`. */
export const DOMAIN_SCHEMA: ElementSpec = element('a libvirt domain: one virtual machine', {
  attributes: {
    type: required('the accelerator: kvm (hardware) or qemu (emulation)', { kind: 'enum', values: ACCELERATOR_VALUES }),
    id: attr('the id of a running domain (output of virsh dumpxml)', data('int')),
  },
  children: { ...generalSchema, devices: one(devicesSpec), ...qemuNamespaceChildren },
});

/** The element name the schema expects at the top. */
export const ROOT_ELEMENT = 'domain';
export const DOMAIN_ROOT: SchemaRoot = { name: ROOT_ELEMENT, spec: DOMAIN_SCHEMA };
