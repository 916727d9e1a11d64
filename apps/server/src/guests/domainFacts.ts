import { serialConsoleAccess, type SerialConsoleAccess } from '@virtdeck/qemu';
import type { Domain } from '@virtdeck/schema';
import { readTags } from './guestTags.js';
import { DEFAULT_LIFECYCLE_ACTIONS, type LifecycleActions } from './lifecycle.js';

/** What the guest manager needs to know about a definition, read once from the model. */
export interface DomainFacts {
  accelerator: string;
  vcpus: number;
  memoryKiB: number;
  title?: string;
  description?: string;
  tags: string[];
  uuid?: string;
  actions: LifecycleActions;
  /** The watchdog's action is libvirt's dump: QEMU pauses, the server dumps the memory and lets the guest run on. */
  watchdogDump?: true;
  /** A balloon device exists (libvirt adds a virtio one unless model='none'). */
  balloon: boolean;
  /** What the console attaches to (absent without a serial port or console), or why it cannot. */
  console?: SerialConsoleAccess;
  interfaces: { type: string; targetDev?: string; label: string }[];
  /** MAC addresses of the interfaces, so that new ones do not clash. */
  macs: string[];
  /** The screen the web console shows (VNC, or SPICE through an added VNC display). */
  display?: 'vnc' | 'spice';
}

/** The first VNC or SPICE display of a definition: the one the web console shows. */
export function screenOf(domain: Domain): Domain['devices']['graphics'][number] | undefined {
  return domain.devices.graphics.find((g) => g.type === 'vnc' || g.type === 'spice');
}

export function domainFacts(domain: Domain): DomainFacts {
  const facts: DomainFacts = {
    accelerator: domain.type || 'unknown',
    vcpus: domain.vcpu?.current ?? domain.vcpu?.count ?? 1,
    memoryKiB: domain.currentMemory?.kib ?? domain.memory?.kib ?? 0,
    actions: {
      onPoweroff: domain.onPoweroff ?? DEFAULT_LIFECYCLE_ACTIONS.onPoweroff,
      onReboot: domain.onReboot ?? DEFAULT_LIFECYCLE_ACTIONS.onReboot,
      onCrash: domain.onCrash ?? DEFAULT_LIFECYCLE_ACTIONS.onCrash,
    },
    balloon: domain.devices.memballoon?.model !== 'none',
    interfaces: domain.devices.interfaces.map((nic, index) => {
      const entry: DomainFacts['interfaces'][number] = { type: nic.type, label: nic.target?.dev ?? `net${index}` };
      if (nic.target?.dev) entry.targetDev = nic.target.dev;
      return entry;
    }),
    macs: domain.devices.interfaces.flatMap((nic) => (nic.mac ? [nic.mac.toLowerCase()] : [])),
    tags: readTags(domain),
  };
  // QEMU has one -watchdog-action for all watchdogs: the first one's (buildWatchdogArgs).
  if (domain.devices.watchdogs[0]?.action === 'dump') facts.watchdogDump = true;
  const console = serialConsoleAccess(domain);
  if (console) facts.console = console;
  if (domain.title) facts.title = domain.title;
  if (domain.description) facts.description = domain.description;
  if (domain.uuid) facts.uuid = domain.uuid;
  const screen = screenOf(domain);
  if (screen) facts.display = screen.type as 'vnc' | 'spice';
  return facts;
}
