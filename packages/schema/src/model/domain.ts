import { childElements, firstChild, getAttribute, type XmlElement } from '../xml/tree.js';
import { parseClock, type Clock } from './clock.js';
import {
  parseCpu,
  parseCpuTune,
  parseIothreads,
  parseNumaTune,
  parseVcpu,
  parseVcpus,
  type Cpu,
  type CpuTune,
  type Iothreads,
  type NumaTune,
  type Vcpu,
  type VcpuInfo,
} from './cpu.js';
import { parseDevices, type Devices } from './devices.js';
import { parseFeatures, type Features } from './features.js';
import {
  CRASH_ACTIONS,
  LIFECYCLE_ACTIONS,
  LOCKFAILURE_ACTIONS,
  parseIdMap,
  parsePm,
  parseResource,
  type CrashAction,
  type IdMap,
  type LifecycleAction,
  type PowerManagement,
  type Resource,
} from './lifecycle.js';
import {
  parseMaxMemory,
  parseMemory,
  parseMemoryBacking,
  parseMemorySize,
  parseMemTune,
  type MaxMemory,
  type Memory,
  type MemoryBacking,
  type MemorySize,
  type MemTune,
} from './memory.js';
import { isOsTypeAcceleratorWord, type AcceleratorSpelling } from './accelerators.js';
import { parseOs, type Os } from './os.js';
import { parseQemuCommandline, type QemuCommandline } from './qemuNamespace.js';
import { parseLaunchSecurity, parseSecLabels, type LaunchSecurity, type SecLabel } from './security.js';
import { parseSysinfo, type Sysinfo } from './sysinfo.js';
import { childText, elementText, enumValue } from './values.js';

export interface Domain {
  node: XmlElement;
  /** the effective accelerator (`kvm`, `qemu`, …) whichever spelling the XML used */
  type: string;
  typeSpelling: AcceleratorSpelling;
  /** `<domain id=…>` of a running domain (output of virsh dumpxml) */
  id?: number;
  name: string;
  uuid?: string;
  genid?: string;
  title?: string;
  description?: string;
  /** `<metadata>`: kept as is, never interpreted */
  metadata?: XmlElement;
  memory?: Memory;
  currentMemory?: MemorySize;
  maxMemory?: MaxMemory;
  memoryBacking?: MemoryBacking;
  memtune?: MemTune;
  vcpu?: Vcpu;
  vcpus: VcpuInfo[];
  iothreads?: Iothreads;
  cputune?: CpuTune;
  numatune?: NumaTune;
  resource?: Resource;
  sysinfo: Sysinfo[];
  os: Os;
  features?: Features;
  cpu?: Cpu;
  clock?: Clock;
  onPoweroff?: LifecycleAction;
  onReboot?: LifecycleAction;
  onCrash?: CrashAction;
  onLockfailure?: keyof typeof LOCKFAILURE_ACTIONS;
  pm?: PowerManagement;
  idmap?: IdMap;
  launchSecurity?: LaunchSecurity;
  devices: Devices;
  seclabels: SecLabel[];
  qemuCommandline?: QemuCommandline;
}

export interface AcceleratorReading {
  type: string;
  spelling: AcceleratorSpelling;
}

/** Works out the effective accelerator from the three historical spellings. */
export function readAccelerator(root: XmlElement): AcceleratorReading {
  const os = firstChild(root, 'os');
  const osType = os === undefined ? undefined : firstChild(os, 'type');
  const accel = osType === undefined ? undefined : getAttribute(osType, 'accel')?.value;
  if (accel !== undefined) return { type: accel, spelling: 'os-type-accel' };
  const word = osType === undefined ? undefined : elementText(osType);
  if (isOsTypeAcceleratorWord(word)) {
    return { type: word, spelling: 'os-type' };
  }
  return { type: getAttribute(root, 'type')?.value ?? '', spelling: 'canonical' };
}

/** Builds the typed model from a `<domain>` element. Tolerant: invalid values leave fields absent. */
export function buildDomain(root: XmlElement): Domain {
  const child = (name: string) => firstChild(root, name);
  const { type, spelling } = readAccelerator(root);
  const textOf = (name: string) => childText(root, name);
  const domain: Domain = {
    node: root,
    type,
    typeSpelling: spelling,
    name: textOf('name') ?? '',
    vcpus: parseVcpus(child('vcpus')),
    sysinfo: childElements(root, 'sysinfo').map(parseSysinfo),
    os: parseOs(child('os')),
    devices: parseDevices(child('devices')),
    seclabels: parseSecLabels(root),
    uuid: textOf('uuid'),
    genid: textOf('genid'),
    title: textOf('title'),
    description: child('description') === undefined ? undefined : elementText(child('description') as XmlElement),
    metadata: child('metadata'),
    memory: parseMemory(child('memory')),
    currentMemory: parseMemorySize(child('currentMemory')),
    maxMemory: parseMaxMemory(child('maxMemory')),
    memoryBacking: parseMemoryBacking(child('memoryBacking')),
    memtune: parseMemTune(child('memtune')),
    vcpu: parseVcpu(child('vcpu')),
    iothreads: parseIothreads(child('iothreads'), child('iothreadids')),
    cputune: parseCpuTune(child('cputune')),
    numatune: parseNumaTune(child('numatune')),
    resource: parseResource(child('resource')),
    features: parseFeatures(child('features')),
    cpu: parseCpu(child('cpu')),
    clock: parseClock(child('clock')),
    onPoweroff: enumValue(LIFECYCLE_ACTIONS, textOf('on_poweroff')),
    onReboot: enumValue(LIFECYCLE_ACTIONS, textOf('on_reboot')),
    onCrash: enumValue(CRASH_ACTIONS, textOf('on_crash')),
    onLockfailure: enumValue(LOCKFAILURE_ACTIONS, textOf('on_lockfailure')),
    pm: parsePm(child('pm')),
    idmap: parseIdMap(child('idmap')),
    launchSecurity: parseLaunchSecurity(child('launchSecurity')),
    qemuCommandline: parseQemuCommandline(root),
  };
  const id = getAttribute(root, 'id')?.value;
  if (id !== undefined && /^[0-9]+$/.test(id)) domain.id = Number(id);
  return domain;
}
