import { execFile } from 'node:child_process';
import { access, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { validateDomain } from '@virtdeck/schema';
import type { TemplateInfo } from '../api.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import { describeError, VirtdeckError } from '../errors.js';
import { assertGuestName } from '../guests/guestName.js';
import { escapeXml, LIFECYCLE_XML, pcieRootPortsXml, SERIAL_CONSOLE_XML, SPARE_PCIE_PORTS, USER_NETWORK_XML } from './xmlText.js';

const run = promisify(execFile);

export interface TemplateContext {
  stateDir: string;
  /** The demo kernel and initramfs, when the server was told where they are. */
  demoGuest?: DemoGuestFiles;
  emulator: string;
  /** `qemu-img`, found on PATH unless given. */
  qemuImg?: string;
}

/** Size of the disk image the q35 template creates (qcow2 grows as it is written). */
const DISK_SIZE = '8G';

interface Template {
  title: string;
  description: string;
  unavailable?: (ctx: TemplateContext) => string | undefined;
  create: (name: string, ctx: TemplateContext) => Promise<string>;
}

export const TEMPLATES = {
  'minimal-tcg': {
    title: 'Minimal TCG guest',
    description: 'The demo kernel and busybox initramfs under TCG: boots to a shell on the serial console in seconds and powers off on the ACPI button.',
    unavailable: (ctx) => (ctx.demoGuest ? undefined : 'the server was started without the demo guest (VIRTDECK_DEMO_GUEST); `npm start` builds it'),
    create: (name, ctx) => {
      if (!ctx.demoGuest) throw new VirtdeckError('unavailable', 'The minimal template needs the demo guest, which this server was not given (start it with `npm start`)');
      return Promise.resolve(demoGuestXml(name, ctx.demoGuest, ctx.emulator));
    },
  },
  'q35-virtio-disk': {
    title: 'q35 with a virtio disk',
    description: `A q35 machine under TCG with an empty ${DISK_SIZE} qcow2 disk (made with qemu-img in the default pool when the guest is defined), virtio networking, a serial console and ${SPARE_PCIE_PORTS} free PCIe ports for hot-plug.`,
    create: async (name, ctx) => q35Xml(name, await reserveDiskImage(name, ctx), ctx.emulator),
  },
  blank: {
    title: 'Blank',
    description: 'The smallest definition QEMU will start: memory, one vCPU and a serial console; add the rest yourself.',
    create: (name, ctx) => Promise.resolve(blankXml(name, ctx.emulator)),
  },
} as const satisfies Record<string, Template>;

export type TemplateId = keyof typeof TEMPLATES;

export function listTemplates(ctx: TemplateContext): TemplateInfo[] {
  return Object.entries(TEMPLATES).map(([id, template]: [string, Template]) => {
    const reason = template.unavailable?.(ctx);
    const info: TemplateInfo = { id, title: template.title, description: template.description, available: reason === undefined };
    if (reason !== undefined) info.reason = reason;
    return info;
  });
}

export async function instantiateTemplate(id: string, name: string, ctx: TemplateContext): Promise<string> {
  if (!Object.hasOwn(TEMPLATES, id)) {
    throw new VirtdeckError('not-found', `No template '${id}'; there are: ${Object.keys(TEMPLATES).join(', ')}`);
  }
  assertGuestName(name);
  const template: Template = TEMPLATES[id as TemplateId];
  return template.create(name, ctx);
}

/** Where a template's disk image for guest `name` goes. */
const imagePath = (stateDir: string, name: string): string => path.join(stateDir, 'images', `${name}.qcow2`);

/** A template disk promised to a guest name: made when a definition of that name naming it is saved. */
interface PendingDisk {
  path: string;
  size: string;
}

/** The template disks of each server's templates, by guest name (a cancelled template leaves nothing on disk). */
const pendingDisks = new WeakMap<TemplateContext, Map<string, PendingDisk>>();

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Promises guest `name` a new qcow2 disk (by default the q35 template's in images/), made when
 * a definition of that name naming it is saved (createTemplateDisks). `size` is qemu-img's.
 */
export async function reserveDiskImage(name: string, ctx: TemplateContext, image = imagePath(ctx.stateDir, name), size = DISK_SIZE): Promise<string> {
  // Never overwrite a disk: it may hold someone's data.
  if (await exists(image)) throw new VirtdeckError('conflict', `The disk image ${image} already exists; pick another name or delete the image`);
  const pending = pendingDisks.get(ctx) ?? new Map<string, PendingDisk>();
  pendingDisks.set(ctx, pending);
  pending.set(name, { path: image, size });
  return image;
}

export interface TemplateDiskCreation {
  /** The images made. */
  created: string[];
  /** The definition was saved: the promise is kept. */
  commit(): void;
  /** The definition was not saved: the images made go again. */
  undo(): Promise<void>;
}

/**
 * Before a new guest is defined: makes the template disk promised to its name when the
 * definition still names it as a disk and no file is there yet (an existing file is the user's
 * and never replaced).
 */
export async function createTemplateDisks(xml: string, ctx: TemplateContext): Promise<TemplateDiskCreation> {
  const { domain } = validateDomain(xml);
  const pending = domain ? pendingDisks.get(ctx)?.get(domain.name) : undefined;
  const created: string[] = [];
  const none = { created, commit: () => undefined, undo: () => Promise.resolve() };
  if (!domain || !pending) return none;
  const named = domain.devices.disks.some((d) => d.source?.file === pending.path);
  if (!named || (await exists(pending.path))) return none;
  await mkdir(path.dirname(pending.path), { recursive: true });
  const qemuImg = ctx.qemuImg ?? 'qemu-img';
  try {
    await run(qemuImg, ['create', '-q', '-f', 'qcow2', pending.path, pending.size]);
  } catch (error) {
    await rm(pending.path, { force: true });
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new VirtdeckError('qemu-missing', `${qemuImg} is not installed (apt-get install qemu-utils)`, { cause: error });
    throw new VirtdeckError('qemu-failed', `qemu-img could not create ${pending.path}`, { detail: failure.stderr?.trim() || describeError(error), cause: error });
  }
  created.push(pending.path);
  return {
    created,
    commit: () => pendingDisks.get(ctx)?.delete(domain.name),
    undo: () => rm(pending.path, { force: true }),
  };
}

/** The q35 template's disk, NIC, USB controller and balloon each take a port of their own; the spares take hot-plugged devices. */
const Q35_ROOT_PORTS_XML = pcieRootPortsXml(4 + SPARE_PCIE_PORTS)
  .map((line) => `    ${line}`)
  .join('\n');

function q35Xml(name: string, image: string, emulator: string): string {
  return `<domain type='qemu'>
  <name>${escapeXml(name)}</name>
  <memory unit='MiB'>1024</memory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <clock offset='utc'/>
${LIFECYCLE_XML}
  <devices>
    <emulator>${escapeXml(emulator)}</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${escapeXml(image)}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
${Q35_ROOT_PORTS_XML}
${USER_NETWORK_XML}
${SERIAL_CONSOLE_XML}
    <memballoon model='virtio'/>
  </devices>
</domain>
`;
}

function blankXml(name: string, emulator: string): string {
  return `<domain type='qemu'>
  <name>${escapeXml(name)}</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <emulator>${escapeXml(emulator)}</emulator>
${SERIAL_CONSOLE_XML}
  </devices>
</domain>
`;
}
