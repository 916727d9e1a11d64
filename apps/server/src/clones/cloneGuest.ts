import { constants } from 'node:fs';
import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { applyEdits, firstChild, insertChildEdit, removeElementEdit, setAttributeEdit, setTextEdit, type Disk, type TextEdit, type XmlDocument } from '@virtdeck/schema';
import type { CloneRequest } from '../api.js';
import { describeError, VirtdeckError } from '../errors.js';
import { checkDefinition } from '../guests/definitions.js';
import { guestNameProblem } from '../guests/guestName.js';
import { escapeXml } from '../templates/xmlText.js';
import { convertToQcow2, createImage, imageInfo } from '../storage/qemuImg.js';

/** The storage pools' directories; a clone's disks go into the pool of the disk copied, else `default`. */
export type PoolDirectories = () => Promise<readonly { name: string; path: string }[]>;

/** A clone's definition and the image files made for it, which `remove` takes away again. */
export interface MadeClone {
  xml: string;
  files: string[];
  remove(): Promise<void>;
}

interface DiskCopy {
  disk: Disk;
  source: string;
  format: string;
  target: string;
}

/**
 * The definition and disks of a clone of a shut-off guest (virt-clone, libvirt's clone in
 * cockpit): the new name, no UUID and no MACs (the define fills in new ones), no NVRAM path
 * (a fresh variable store from the template at its first start; the TPM state is per name),
 * and for each writable disk a new image: a full qcow2 copy, or a qcow2 overlay with the
 * original as its backing file, which the definition names as its `<backingStore>`.
 * CD-ROMs and read-only disks are shared, as virt-clone does. On any failure the images
 * made so far are removed.
 */
export async function cloneDefinition(xml: string, request: CloneRequest, pools: PoolDirectories): Promise<MadeClone> {
  const { document, domain, name: from } = checkDefinition(xml);
  const problem = guestNameProblem(request.name);
  if (problem) throw new VirtdeckError('invalid-request', `Invalid name for the clone: ${problem}`);
  if (request.name === from) throw new VirtdeckError('conflict', `A clone needs a name other than '${from}'`);

  const dirs = await pools();
  const defaultDir = (dirs.find((p) => p.name === 'default') ?? dirs[0])?.path;
  const copies: DiskCopy[] = [];
  for (const disk of domain.devices.disks) {
    if (disk.device === 'cdrom' || disk.readonly) continue;
    const dev = disk.target?.dev ?? '?';
    const source = disk.source?.file;
    if (disk.type !== 'file' || source === undefined) {
      throw new VirtdeckError('conflict', `The disk ${dev} of '${from}' is a ${disk.type} disk; only image files can be cloned (make it read-only to share it instead)`);
    }
    const dir = dirs.find((p) => path.resolve(p.path) === path.dirname(path.resolve(source)))?.path ?? defaultDir;
    if (dir === undefined) throw new VirtdeckError('conflict', 'There is no storage pool to put the clone\'s disks in; define the default pool');
    const file = copies.length === 0 ? `${request.name}.qcow2` : `${request.name}-${dev}.qcow2`;
    copies.push({ disk, source, format: disk.driver?.type ?? 'raw', target: path.join(dir, file) });
  }

  const made: string[] = [];
  const remove = async () => {
    await Promise.all(made.map((file) => nodeFs.rm(file, { force: true })));
  };
  try {
    for (const copy of copies) {
      await reserve(copy.target);
      made.push(copy.target);
      if (request.mode === 'full') {
        await convertToQcow2(copy.source, copy.format, copy.target);
      } else {
        // The overlay's size is the original's; its header is read alone, no backing file opened.
        const top = await imageInfo(copy.source);
        await createImage(copy.target, 'qcow2', BigInt(top['virtual-size']), { file: copy.source, format: copy.format });
      }
    }
    const edits = identityEdits(document, request.name);
    for (const copy of copies) edits.push(...diskEdits(document, copy, request.mode));
    return { xml: applyEdits(xml, edits), files: [...made], remove };
  } catch (error) {
    await remove();
    if (error instanceof VirtdeckError) throw error;
    throw new VirtdeckError('storage-failed', `Could not make the disks of the clone '${request.name}' (${describeError(error)}); nothing was kept`, { cause: error });
  }
}

/** Creates the file so that no other image of that name is overwritten; qemu-img then writes it. */
async function reserve(file: string): Promise<void> {
  try {
    const handle = await nodeFs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new VirtdeckError('conflict', `The image ${file} exists already; choose another name for the clone or remove that file`);
    throw error;
  }
}

/** New name; the UUID, the MACs and the NVRAM file go, so the define and the first start make new ones. */
function identityEdits(document: XmlDocument, name: string): TextEdit[] {
  const root = document.root;
  if (root === undefined) return [];
  const edits: TextEdit[] = [];
  const nameElement = firstChild(root, 'name');
  if (nameElement) edits.push(setTextEdit(document, nameElement, name));
  const uuid = firstChild(root, 'uuid');
  if (uuid) edits.push(removeElementEdit(document, uuid));
  const devices = firstChild(root, 'devices');
  for (const nic of devices?.children.filter((c) => c.kind === 'element' && c.name === 'interface') ?? []) {
    const mac = nic.kind === 'element' ? firstChild(nic, 'mac') : undefined;
    if (mac) edits.push(removeElementEdit(document, mac));
  }
  const os = firstChild(root, 'os');
  const nvram = os === undefined ? undefined : firstChild(os, 'nvram');
  if (nvram) edits.push(removeElementEdit(document, nvram));
  return edits;
}

/** The disk points at its new image, in qcow2; a linked one names the original (and what is below it) as its backing store. */
function diskEdits(document: XmlDocument, copy: DiskCopy, mode: CloneRequest['mode']): TextEdit[] {
  const node = copy.disk.node;
  const source = firstChild(node, 'source');
  const driver = firstChild(node, 'driver');
  const backing = firstChild(node, 'backingStore');
  const edits: TextEdit[] = [];
  if (source) edits.push(setAttributeEdit(document, source, 'file', copy.target));
  edits.push(driver ? setAttributeEdit(document, driver, 'type', 'qcow2') : insertChildEdit(document, node, "<driver name='qemu' type='qcow2'/>", { first: true }));
  if (mode === 'full') {
    if (backing) edits.push(removeElementEdit(document, backing));
    return edits;
  }
  const below = backing === undefined ? '' : document.text.slice(backing.start, backing.end);
  const store = `<backingStore type='file'>\n  <format type='${escapeXml(copy.format)}'/>\n  <source file='${escapeXml(copy.source)}'/>${below === '' ? '' : `\n  ${below}`}\n</backingStore>`;
  if (backing) edits.push(removeElementEdit(document, backing));
  edits.push(insertChildEdit(document, node, store, source ? { after: source } : {}));
  return edits;
}
