/**
 * libvirt's CPU map (/usr/share/libvirt/cpu_map, shipped with libvirt-daemon): the x86 CPU
 * models host-model is named after, each with the CPUID features libvirt counts as part of
 * it, its vendor and the family/model signatures of the real CPUs it stands for. libvirt's
 * models are not QEMU's: QEMU's expansions carry accelerator defaults (hypervisor, x2apic,
 * vme off under TCG, svm off under KVM) and features libvirt's models leave out (monitor,
 * npt), so host-model decoded against QEMU's models names another model on some hosts.
 * Read where libvirt is installed; without it host-model is approximated from QEMU's models.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { attributeValue, childElements, parseXml, type XmlElement } from '@virtdeck/schema';

export const LIBVIRT_CPU_MAP_DIR = '/usr/share/libvirt/cpu_map';

export interface CpuSignature {
  family: number;
  model: number;
  /** Inclusive stepping ranges; none means any stepping. */
  steppings: Array<[number, number]>;
}

export interface LibvirtCpuModel {
  name: string;
  /** The CPUID vendor string (AuthenticAMD, GenuineIntel); absent for generic models (qemu64, kvm64, pentium). */
  vendor?: string;
  signatures: CpuSignature[];
  /** `<decode host='…' guest='…'/>`: whether libvirt may name this model for a host or a guest CPU. */
  decodeHost: boolean;
  decodeGuest: boolean;
  /** Its features, without those marked removed='yes'. */
  features: ReadonlySet<string>;
}

export interface LibvirtCpuMap {
  /** Every feature libvirt knows, in the map's order (which is the order libvirt lists them in). */
  features: string[];
  /** The models in the map's order, oldest first. */
  models: LibvirtCpuModel[];
  /** A digest of the files read, so a cached decode is redone when libvirt's map changes. */
  digest: string;
}

export class CpuMapError extends Error {
  override name = 'CpuMapError';
}

const root = (text: string, file: string): XmlElement => {
  const element = parseXml(text).document.root;
  if (element?.localName !== 'cpus') throw new CpuMapError(`${file}: expected a <cpus> document`);
  return element;
};

const number = (element: XmlElement, name: string, file: string): number => {
  const value = Number(attributeValue(element, name));
  if (!Number.isInteger(value) || value < 0) throw new CpuMapError(`${file}: <${element.name}> has no whole ${name}`);
  return value;
};

/** `stepping='5-7'` or `stepping='3,5-7'`. */
function steppings(value: string | undefined, file: string): Array<[number, number]> {
  if (value === undefined) return [];
  return value.split(',').map((part) => {
    const match = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!match?.[1]) throw new CpuMapError(`${file}: stepping '${value}' is not a list of numbers and ranges`);
    return [Number(match[1]), Number(match[2] ?? match[1])];
  });
}

/**
 * The x86 part of a CPU map: `read` gives a file's text by name (index.xml, then the files it
 * includes for arch x86). Pure apart from `read`, so it is tested on a map of its own.
 */
export async function parseLibvirtCpuMap(read: (file: string) => Promise<string>): Promise<LibvirtCpuMap> {
  const hash = createHash('sha256');
  const load = async (file: string) => {
    const text = await read(file);
    hash.update(file).update('\0').update(text).update('\0');
    return root(text, file);
  };
  const index = await load('index.xml');
  const x86 = childElements(index, 'arch').find((a) => attributeValue(a, 'name') === 'x86');
  if (!x86) throw new CpuMapError('index.xml: no <arch name="x86">');
  const vendors = new Map<string, string>();
  const features: string[] = [];
  const models: LibvirtCpuModel[] = [];
  for (const include of childElements(x86, 'include')) {
    const file = attributeValue(include, 'filename');
    if (!file || file.includes('/')) throw new CpuMapError(`index.xml: an <include> without a plain filename`);
    const cpus = await load(file);
    for (const vendor of childElements(cpus, 'vendor')) {
      const name = attributeValue(vendor, 'name');
      const cpuid = attributeValue(vendor, 'string');
      if (name && cpuid) vendors.set(name, cpuid);
    }
    for (const feature of childElements(cpus, 'feature')) {
      const name = attributeValue(feature, 'name');
      if (name) features.push(name);
    }
    for (const model of childElements(cpus, 'model')) {
      const name = attributeValue(model, 'name');
      if (!name) throw new CpuMapError(`${file}: a <model> without a name`);
      const decode = childElements(model, 'decode')[0];
      const vendorName = childElements(model, 'vendor').map((v) => attributeValue(v, 'name'))[0];
      const vendor = vendorName === undefined ? undefined : vendors.get(vendorName);
      if (vendorName !== undefined && vendor === undefined) throw new CpuMapError(`${file}: model ${name} names vendor '${vendorName}', which x86_vendors.xml does not define`);
      if (childElements(model, 'model').length > 0) throw new CpuMapError(`${file}: model ${name} is based on another model, which this reader does not follow`);
      models.push({
        name,
        ...(vendor ? { vendor } : {}),
        signatures: childElements(model, 'signature').map((s) => ({
          family: number(s, 'family', file),
          model: number(s, 'model', file),
          steppings: steppings(attributeValue(s, 'stepping'), file),
        })),
        decodeHost: decode ? attributeValue(decode, 'host') !== 'off' : true,
        decodeGuest: decode ? attributeValue(decode, 'guest') !== 'off' : true,
        // removed='yes' marks a feature taken out of the model (monitor from EPYC): not part of it
        features: new Set(
          childElements(model, 'feature')
            .filter((f) => attributeValue(f, 'removed') !== 'yes')
            .map((f) => attributeValue(f, 'name') ?? ''),
        ),
      });
    }
  }
  return { features, models, digest: hash.digest('hex').slice(0, 16) };
}

/** The installed map, or undefined when libvirt's CPU map is not installed. */
export async function readLibvirtCpuMap(dir: string = LIBVIRT_CPU_MAP_DIR): Promise<LibvirtCpuMap | undefined> {
  try {
    await readFile(path.join(dir, 'index.xml'));
  } catch {
    return undefined;
  }
  return parseLibvirtCpuMap((file) => readFile(path.join(dir, file), 'utf8'));
}
