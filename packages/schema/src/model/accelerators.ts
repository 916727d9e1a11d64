/**
 * Every accelerator a domain can name (`<domain type='…'>`, or one of the 2007 spellings),
 * what QEMU calls it, and what a person should know about it: the one table that the
 * schema's enum and hovers, the validator, @virtdeck/qemu's resolution and host checks, the
 * server's `GET /api/host` and the web app's picker all read. Listed in the order the picker
 * shows them and the quick fixes offer them.
 */

export const ACCELERATOR_STATUS = {
  available: 'supported by current QEMU',
  removed: 'removed from QEMU',
  'never-merged': 'never part of QEMU',
} as const;
export type AcceleratorStatus = keyof typeof ACCELERATOR_STATUS;

export interface AcceleratorInfo {
  /** The value of <domain type='…'>. */
  name: string;
  /** QEMU's accelerator name (`-accel NAME`), when QEMU has one. */
  qemuName?: string;
  status: AcceleratorStatus;
  /** Host OS the accelerator exists on (Node's process.platform names); absent: any. */
  hostOS?: string;
  title: string;
  /** One or two sentences for people: what it is and, for dead ends, what happened. */
  summary: string;
}

/** What the table knows beyond what `GET /api/host` reports of each accelerator. */
interface AcceleratorFacts extends AcceleratorInfo {
  /** The one line the editor's completions and hovers give for the value. */
  brief: string;
  /** One of libvirt's domain types of 2007, which the first proposal wrote as `<os><type>NAME</type>`. */
  osTypeWord?: true;
}

const TABLE = {
  qemu: {
    name: 'qemu',
    qemuName: 'tcg',
    status: 'available',
    title: 'TCG (pure emulation)',
    summary: "QEMU's Tiny Code Generator translates guest instructions in software: it works on every host, more slowly than hardware virtualization.",
    brief: "TCG: QEMU's own CPU emulation; works everywhere, slower",
    osTypeWord: true,
  },
  kvm: {
    name: 'kvm',
    qemuName: 'kvm',
    status: 'available',
    hostOS: 'linux',
    title: 'KVM',
    summary: "Linux's kernel hypervisor runs the guest on the CPU's virtualization extensions; it needs a usable /dev/kvm.",
    brief: 'KVM: hardware virtualization on Linux (needs a usable /dev/kvm)',
    osTypeWord: true,
  },
  kqemu: {
    name: 'kqemu',
    status: 'removed',
    title: 'KQEMU',
    summary: 'The kqemu kernel accelerator was removed from QEMU in version 0.12 (2009); no QEMU that virtdeck supports can use it.',
    brief: 'historical: the kqemu kernel accelerator, dropped by QEMU 0.12 in 2009',
    osTypeWord: true,
  },
  qvm86: {
    name: 'qvm86',
    status: 'never-merged',
    title: 'QVM86',
    summary: 'qvm86 was a 2005 kernel-module project that was never merged into QEMU; no QEMU can use it.',
    brief: 'historical: the qvm86 accelerator, never merged into QEMU',
    osTypeWord: true,
  },
  hvf: {
    name: 'hvf',
    qemuName: 'hvf',
    status: 'available',
    hostOS: 'darwin',
    title: 'Hypervisor.framework',
    summary: "macOS's Hypervisor.framework; it exists only on macOS hosts.",
    brief: 'Hypervisor.framework on macOS',
  },
  whpx: {
    name: 'whpx',
    qemuName: 'whpx',
    status: 'available',
    hostOS: 'win32',
    title: 'Windows Hypervisor Platform',
    summary: "Windows' Hypervisor Platform API; it exists only on Windows hosts.",
    brief: 'Windows Hypervisor Platform',
  },
  nvmm: {
    name: 'nvmm',
    qemuName: 'nvmm',
    status: 'available',
    hostOS: 'netbsd',
    title: 'NVMM',
    summary: "NetBSD's Virtual Machine Monitor; it exists only on NetBSD hosts.",
    brief: 'NetBSD Virtual Machine Monitor',
  },
  xen: {
    name: 'xen',
    qemuName: 'xen',
    status: 'available',
    title: 'Xen',
    summary: 'QEMU as the device model of a Xen hypervisor: it needs a host booted under Xen (dom0) and a Xen-enabled QEMU.',
    brief: 'the Xen hypervisor',
  },
} as const satisfies Record<string, AcceleratorFacts>;

export type Accelerator = keyof typeof TABLE;

const ENTRIES: readonly AcceleratorFacts[] = Object.values(TABLE);
const names = (keep: (facts: AcceleratorFacts) => boolean) => ENTRIES.filter(keep).map((facts) => facts.name as Accelerator);

/** Each accelerator as `GET /api/host` reports it (name, QEMU's name, status, host OS, title, summary). */
export const ACCELERATORS: Readonly<Record<Accelerator, AcceleratorInfo>> = Object.fromEntries(
  ENTRIES.map(({ brief: _brief, osTypeWord: _osTypeWord, ...info }) => [info.name, info]),
) as Record<Accelerator, AcceleratorInfo>;

/** The accelerators as the schema's enum of `<domain type>`: each value with its one line. */
export const ACCELERATOR_VALUES: Readonly<Record<Accelerator, string>> = Object.fromEntries(ENTRIES.map((facts) => [facts.name, facts.brief])) as Record<Accelerator, string>;

/** Accelerators QEMU no longer has (or never had): accepted by the schema, refused at start. */
export const HISTORICAL_ACCELERATORS: readonly Accelerator[] = names((facts) => facts.status !== 'available');

/** Spellings of the accelerator in `<os><type>`, interpreted by the domain parser. */
export const OS_TYPE_ACCELERATOR_WORDS: readonly Accelerator[] = names((facts) => facts.osTypeWord === true);

export function isAccelerator(name: string | undefined): name is Accelerator {
  return name !== undefined && Object.hasOwn(TABLE, name);
}

export function acceleratorInfo(name: string): AcceleratorInfo | undefined {
  return isAccelerator(name) ? ACCELERATORS[name] : undefined;
}

/** Whether `<os><type>WORD</type>` names an accelerator (the 2007 spelling) rather than an OS type. */
export function isOsTypeAcceleratorWord(word: string | undefined): word is Accelerator {
  return word !== undefined && (OS_TYPE_ACCELERATOR_WORDS as readonly string[]).includes(word);
}

/**
 * How the accelerator was written: `canonical` is `<domain type='kvm'>`; `os-type` is the 2007
 * proposal `<os><type>kvm</type>`; `os-type-accel` the counter-proposal `<os><type accel='kvm'>`.
 * ACCEL stands for the accelerator (see acceleratorSpelling).
 */
export const ACCELERATOR_SPELLINGS = {
  canonical: "<domain type='ACCEL'> with <os><type>hvm</type>",
  'os-type': '<os><type>ACCEL</type> (the first 2007 proposal)',
  'os-type-accel': "<os><type accel='ACCEL'> (the 2007 counter-proposal)",
} as const;
export type AcceleratorSpelling = keyof typeof ACCELERATOR_SPELLINGS;

/** The spelling with the accelerator in it: `<os><type>kvm</type> (the first 2007 proposal)`. */
export function acceleratorSpelling(spelling: AcceleratorSpelling, accelerator: string): string {
  return ACCELERATOR_SPELLINGS[spelling].replace('ACCEL', accelerator);
}
