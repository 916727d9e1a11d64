/** <features>: hypervisor features, Hyper-V and KVM enlightenments. */
import { CAPABILITY_POLICIES, GIC_VERSIONS, HYPERV_MODES, IOAPIC_DRIVERS, LINUX_CAPABILITIES } from '../model/features.js';
import { ON_OFF, onOff, yesNo } from './common.js';
import { sized, state, stateRequired } from './shorthands.js';
import { attr, data, element, type ElementSpec, one, oneOf, required } from './types.js';

export const hypervState = (doc: string, extra: ElementSpec['attributes'] = {}, children: ElementSpec['children'] = {}) =>
  element(doc, { attributes: { state: required('on or off', oneOf(ON_OFF)), ...extra }, children });
export const hypervSpec = element('Hyper-V enlightenments for Windows guests', {
  attributes: { mode: attr('custom (listed here) or passthrough (all the host has)', oneOf(HYPERV_MODES)) },
  children: {
    relaxed: one(hypervState('relax timer checks')),
    vapic: one(hypervState('virtual APIC assist')),
    spinlocks: one(hypervState('spinlock retry notification', { retries: attr('retries before notifying, at least 4095', data('uint')) })),
    vpindex: one(hypervState('virtual processor index')),
    runtime: one(hypervState('processor run time')),
    synic: one(hypervState('synthetic interrupt controller')),
    stimer: one(hypervState('synthetic timers', {}, { direct: one(stateRequired('direct mode synthetic timers')) })),
    reset: one(hypervState('guest-initiated reset')),
    vendor_id: one(hypervState('the hypervisor vendor id', { value: attr('up to 12 characters', data('hypervVendorId')) })),
    frequencies: one(hypervState('frequency MSRs')),
    reenlightenment: one(hypervState('reenlightenment notifications')),
    tlbflush: one(
      hypervState('paravirtual TLB flush', {}, { direct: one(stateRequired('direct TLB flush')), extended: one(stateRequired('extended TLB flush')) }),
    ),
    ipi: one(hypervState('paravirtual IPIs')),
    evmcs: one(hypervState('enlightened VMCS')),
    avic: one(hypervState('AVIC-friendly settings')),
    emsr_bitmap: one(hypervState('enlightened MSR bitmap')),
    xmm_input: one(hypervState('XMM hypercall input')),
  },
});
const capabilitiesSpec = element('Linux capabilities of a container (LXC; ignored for QEMU guests)', {
  attributes: { policy: required('the starting set', oneOf(CAPABILITY_POLICIES)) },
  children: Object.fromEntries(Object.entries(LINUX_CAPABILITIES).map(([name, doc]) => [name, one(stateRequired(doc))])),
});

export const featuresSpec = element('hypervisor features the guest sees', {
  children: {
    capabilities: one(capabilitiesSpec),
    pae: one(element('Physical Address Extension')),
    apic: one(element('the local APIC', { attributes: { eoi: onOff('paravirtual end-of-interrupt') } })),
    acpi: one(element('ACPI (needed for graceful shutdown)')),
    hap: one(state('hardware-assisted paging')),
    hyperv: one(hypervSpec),
    viridian: one(element('Viridian extensions (Xen)')),
    kvm: one(
      element('KVM paravirtual features', {
        children: {
          hidden: one(stateRequired('hide the KVM signature')),
          'hint-dedicated': one(stateRequired('vCPUs run on dedicated host CPUs')),
          'poll-control': one(stateRequired('guest-controlled halt polling')),
          'pv-ipi': one(stateRequired('paravirtual IPIs')),
          'dirty-ring': one(stateRequired('dirty page ring', { size: attr('ring entries, a power of 2 from 1024 to 65536', data('uint')) })),
        },
      }),
    ),
    xen: one(
      element('Xen features', {
        children: {
          e820_host: one(stateRequired('the host E820 map')),
          passthrough: one(stateRequired('IOMMU passthrough', { mode: attr('sync_pt or share_pt', oneOf({ sync_pt: 'synchronized page tables', share_pt: 'shared page tables' })) })),
        },
      }),
    ),
    privnet: one(element('a private network namespace (containers)')),
    pvspinlock: one(state('paravirtual spinlocks')),
    pmu: one(state('the performance monitoring unit')),
    vmport: one(state('the VMware I/O port')),
    gic: one(element('the ARM interrupt controller', { attributes: { version: attr('the GIC version', oneOf(GIC_VERSIONS)) } })),
    smm: one(
      element('System Management Mode', {
        attributes: { state: onOff('on or off') },
        children: { tseg: one(sized('the TSEG size (default unit MiB)')) },
      }),
    ),
    ioapic: one(element('the I/O APIC implementation', { attributes: { driver: required('where it is emulated', oneOf(IOAPIC_DRIVERS)) } })),
    hpt: one(
      element('the hashed page table (ppc64)', {
        attributes: { resizing: attr('HPT resizing', oneOf({ enabled: 'enabled', disabled: 'disabled', required: 'required' })) },
        children: { maxpagesize: one(sized('the largest page size')) },
      }),
    ),
    vmcoreinfo: one(state('the vmcoreinfo device')),
    htm: one(stateRequired('hardware transactional memory')),
    'nested-hv': one(stateRequired('nested HV')),
    msrs: one(element('unknown MSR handling', { attributes: { unknown: required('ignore or fault', oneOf({ ignore: 'ignore', fault: 'inject a fault' })) } })),
    'ccf-assist': one(stateRequired('cache-flush assist')),
    cfpc: one(element('cache flush on privilege change', { attributes: { value: required('the mitigation', oneOf({ broken: 'broken', workaround: 'workaround', fixed: 'fixed' })) } })),
    sbbc: one(element('speculation barrier bounds checking', { attributes: { value: required('the mitigation', oneOf({ broken: 'broken', workaround: 'workaround', fixed: 'fixed' })) } })),
    ibs: one(
      element('indirect branch speculation', {
        attributes: {
          value: required('the mitigation', oneOf({ broken: 'broken', workaround: 'workaround', 'fixed-ibs': 'fixed (ibs)', 'fixed-ccd': 'fixed (ccd)', 'fixed-na': 'not affected' })),
        },
      }),
    ),
    tcg: one(element('TCG tuning', { children: { 'tb-cache': one(sized('the translation block cache size (default unit MiB)')) } })),
    'async-teardown': one(element('asynchronous teardown (s390)', { attributes: { enabled: yesNo('enabled') } })),
    ras: one(stateRequired('RAS event reporting')),
    ps2: one(stateRequired('the PS/2 controller')),
    aia: one(element('RISC-V AIA', { attributes: { value: required('the AIA mode', oneOf({ none: 'none', aplic: 'APLIC', 'aplic-imsic': 'APLIC and IMSIC' })) } })),
  },
});
