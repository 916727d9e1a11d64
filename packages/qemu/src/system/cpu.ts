/** -cpu, -smp and I/O threads. */
import { HYPERV_FEATURES } from '@virtdeck/schema';
import type { BuildContext } from '../build/context.js';
import type { HostCpuModel } from '../capabilities.js';
import { jsonOption, keyValue, type QemuOption } from '../options.js';

/**
 * QEMU splits the -cpu argument on every comma without an escape (it is not key=value
 * syntax), so model and feature names must be plain tokens (not starting with the
 * legacy +feature/-feature signs): anything else is refused rather than escaped.
 */
const CPU_TOKEN = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/** QEMU's name for hyper-v enlightenments where it is not `hv-<name>`. */
const HYPERV_QEMU_NAMES: Partial<Record<keyof typeof HYPERV_FEATURES, string>> = {
  vendor_id: 'hv-vendor-id',
  emsr_bitmap: 'hv-emsr-bitmap',
  xmm_input: 'hv-xmm-input',
};

/** The CPU model a machine type uses when the definition names none (qemu64 on pc/q35). */
export function defaultCpuModel(ctx: BuildContext): string {
  const type = ctx.machine.type?.defaultCpuType;
  const arch = ctx.emulator?.arch ?? 'x86_64';
  if (type?.endsWith(`-${arch}-cpu`)) return type.slice(0, -`-${arch}-cpu`.length);
  return ctx.machine.chipset === 'isapc' ? '486' : 'qemu64';
}

/**
 * What host-model stands for under this accelerator, from the host's capabilities (the probe's
 * CPU model expansions, as libvirt's domcapabilities give it), when they say and QEMU can be
 * given it as a -cpu option.
 */
export function hostCpuModel(ctx: BuildContext): HostCpuModel | undefined {
  const expanded = ctx.emulator?.hostCpuModels?.[ctx.accel];
  if (!expanded || !CPU_TOKEN.test(expanded.model) || expanded.features.some((f) => !CPU_TOKEN.test(f.name))) return undefined;
  return expanded;
}

/** Feature names as QEMU matches them: sse4_1, sse4-1 and sse4.1 are one feature, tsc_adjust and tsc-adjust too. */
const featureKey = (name: string): string => name.toLowerCase().replace(/[_.]/g, '-');

/** The -cpu model name the definition asks for, with accelerator-dependent modes resolved. */
export function cpuModelName(ctx: BuildContext): string {
  const cpu = ctx.domain.cpu;
  switch (cpu?.mode) {
    case 'host-passthrough':
      if (ctx.accel !== 'kvm') {
        ctx.diagnostics.error(
          'invalid-combination',
          cpu.node,
          "mode='host-passthrough' gives the guest the host CPU, which needs KVM. Under TCG use mode='maximum' (QEMU's max) or a named model.",
        );
      }
      return 'host';
    case 'host-model': {
      const expanded = hostCpuModel(ctx);
      if (expanded) return expanded.model;
      // libvirt expands host-model to a named model plus the host's features; without the
      // host's expansion QEMU's own equivalents are host (KVM) and max (TCG).
      ctx.diagnostics.info(
        'not-applicable',
        cpu.node,
        `mode='host-model' runs as QEMU's '${ctx.accel === 'kvm' ? 'host' : 'max'}' CPU: this host's capabilities do not say which named model and features libvirt would expand it into under ${ctx.accel}.`,
      );
      return ctx.accel === 'kvm' ? 'host' : 'max';
    }
    case 'maximum':
      return 'max';
    default: {
      const name = cpu?.model?.name;
      if (name === undefined) return defaultCpuModel(ctx);
      if (!CPU_TOKEN.test(name)) {
        ctx.diagnostics.error('invalid-value', cpu?.model?.node, `CPU model '${name}' is not a CPU model name (letters, digits, '-', '_', '.', '+').`);
        return defaultCpuModel(ctx);
      }
      return name;
    }
  }
}

export function buildCpuArgs(ctx: BuildContext): QemuOption[] {
  const { domain } = ctx;
  const cpu = domain.cpu;
  const model = cpuModelName(ctx);
  const parts: string[] = [model];
  const on = (name: string, value: boolean): void => {
    parts.push(`${name}=${value ? 'on' : 'off'}`);
  };
  if (cpu?.mode === 'host-passthrough' || (cpu?.mode === 'host-model' && model === 'host')) on('migratable', cpu.migratable ?? true);
  if (cpu?.mode === 'host-model') {
    // libvirt's spelling: the model, then the host's extra features and the model's missing
    // ones as name=on/off; a feature the definition names itself is left to its own <feature>.
    const own = new Set((cpu.features ?? []).map((f) => featureKey(f.name)));
    for (const f of hostCpuModel(ctx)?.features ?? []) if (!own.has(featureKey(f.name))) on(f.name, f.policy === 'require');
  }
  for (const f of cpu?.features ?? []) {
    if (!CPU_TOKEN.test(f.name)) {
      ctx.diagnostics.error('invalid-value', f.node, `CPU feature '${f.name}' is not a feature name (letters, digits, '-', '_', '.').`);
      continue;
    }
    const enabled = f.policy !== 'disable' && f.policy !== 'forbid';
    parts.push(`${f.name}=${enabled ? 'on' : 'off'}`);
  }
  for (const timer of domain.clock?.timers ?? []) {
    if (timer.name === 'kvmclock' && timer.present !== undefined) on('kvmclock', timer.present);
    if (timer.name === 'hypervclock' && timer.present !== undefined) on('hv-time', timer.present);
    if (timer.name === 'tsc' && timer.frequency !== undefined) parts.push(`tsc-frequency=${timer.frequency}`);
  }
  const features = domain.features;
  if (features?.apic?.eoi !== undefined) on('kvm-pv-eoi', features.apic.eoi);
  if (features?.pvspinlock) on('kvm-pv-unhalt', features.pvspinlock.enabled);
  const hyperv = features?.hyperv;
  if (hyperv?.enabled && ctx.accel !== 'kvm' && Object.values(hyperv.features).some((f) => f?.enabled)) {
    ctx.diagnostics.error(
      'invalid-combination',
      hyperv.node,
      "Hyper-V enlightenments need KVM: QEMU provides them only with <domain type='kvm'>. Remove them to run under TCG.",
    );
  }
  if (hyperv?.enabled) {
    if (hyperv.mode === 'passthrough') on('hv-passthrough', true);
    for (const name of Object.keys(HYPERV_FEATURES) as Array<keyof typeof HYPERV_FEATURES>) {
      const f = hyperv.features[name];
      if (!f?.enabled) continue;
      const qemuName = HYPERV_QEMU_NAMES[name] ?? `hv-${name}`;
      if (name === 'spinlocks') {
        parts.push(`hv-spinlocks=0x${(f.retries ?? 0x1fff).toString(16)}`);
      } else if (name === 'vendor_id') {
        const value = f.value ?? '';
        if (value.length > 12 || value.includes(',')) {
          ctx.diagnostics.error('invalid-value', f.node, `Hyper-V vendor_id '${value}' must be at most 12 characters without commas.`);
        } else parts.push(`${qemuName}=${value}`);
      } else {
        on(qemuName, true);
      }
      if (name === 'stimer' && f.direct) on('hv-stimer-direct', true);
      if (name === 'tlbflush' && f.direct) on('hv-tlbflush-direct', true);
      if (name === 'tlbflush' && f.extended) on('hv-tlbflush-ext', true);
    }
  }
  const kvm = features?.kvm;
  if (kvm?.enabled) {
    if (kvm.features.hidden?.enabled) on('kvm', false);
    if (kvm.features['hint-dedicated']?.enabled) on('kvm-hint-dedicated', true);
    if (kvm.features['poll-control']?.enabled) on('kvm-poll-control', true);
    if (kvm.features['pv-ipi'] && !kvm.features['pv-ipi'].enabled) on('kvm-pv-ipi', false);
  }
  if (features?.pmu) on('pmu', features.pmu.enabled);
  const cache = cpu?.cache;
  if (cache?.mode === 'passthrough') {
    on('host-cache-info', true);
    on('l3-cache', false);
  } else if (cache?.mode === 'emulate' && cache.level === 3) {
    on('l3-cache', true);
  } else if (cache?.mode === 'disable') {
    on('l3-cache', false);
  }
  const phys = cpu?.maxphysaddr;
  if (phys?.mode === 'passthrough') {
    on('host-phys-bits', true);
    if (phys.limit !== undefined) parts.push(`host-phys-bits-limit=${phys.limit}`);
  } else if (phys?.mode === 'emulate' && phys.bits !== undefined) {
    parts.push(`phys-bits=${phys.bits}`);
  }
  return [{ flag: '-cpu', value: parts.join(',') }];
}

export function buildSmpArgs(ctx: BuildContext): QemuOption[] {
  const { domain } = ctx;
  const max = domain.vcpu?.count ?? 1;
  const current = domain.vcpu?.current ?? max;
  const pairs: Array<[string, number | undefined]> = [];
  if (current < max) pairs.push(['maxcpus', max]);
  const topology = domain.cpu?.topology;
  if (topology) {
    pairs.push(
      ['sockets', topology.sockets ?? 1],
      ['dies', topology.dies ?? 1],
      ['clusters', topology.clusters ?? 1],
      ['cores', topology.cores ?? 1],
      ['threads', topology.threads ?? 1],
    );
  } else {
    pairs.push(['sockets', max], ['cores', 1], ['threads', 1]);
  }
  return [{ flag: '-smp', value: `${current},${keyValue(pairs)}` }];
}

export function buildIothreadArgs(ctx: BuildContext): QemuOption[] {
  const iothreads = ctx.domain.iothreads;
  if (!iothreads) return [];
  const ids = iothreads.ids.map((t) => t.id).filter((id): id is number => id !== undefined);
  for (let id = 1; ids.length < (iothreads.count ?? 0); id++) if (!ids.includes(id)) ids.push(id);
  return ids.map((id) => ({ flag: '-object', value: jsonOption({ 'qom-type': 'iothread', id: `iothread${id}` }) }));
}
