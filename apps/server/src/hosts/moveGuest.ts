import { execFile } from 'node:child_process';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { access, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { applyEdits, escapeXml, firstChild, validateDomain, type TextEdit } from '@virtdeck/schema';
import { LOCAL_HOST_ID, type GuestSummary } from '../api.js';
import { VirtdeckError } from '../errors.js';
import { parseDefinition } from '../guests/guestRecord.js';
import { LibvirtDriver } from '../drivers/libvirt/LibvirtDriver.js';
import { VirshError } from '../drivers/libvirt/virsh.js';
import { guestName, jsonBody, parseInput } from '../http/input.js';
import { withHost, type Hosts } from './Hosts.js';

const run = promisify(execFile);
/** Where a libvirt host on this machine keeps images (its `default` pool's folder, as virt-install uses). */
export const LIBVIRT_IMAGES_DIR = '/var/lib/libvirt/images';

export interface MoveRequest {
  /** The host the guest goes to. */
  to: string;
  /** Live migration of a running guest between two libvirt hosts (`virsh migrate --live --p2p`). */
  live?: boolean;
}

export interface MoveDirectories {
  /** Where the embedded host keeps images (STATE_DIR/images). */
  localImages: string;
  /** Where a libvirt host on this machine gets them. */
  libvirtImages?: string;
}

/** A disk whose file is copied with the guest. */
interface CopiedDisk {
  from: string;
  to: string;
}

/**
 * Moves a guest to another host. A shut-off guest is copied: its definition (same UUID) is
 * defined on the target, the files of its writable disks are copied next to the target's
 * images and the copy's definition names them; only then is it undefined on the source and
 * its copied files removed there. A failure undoes what was done (the copies, the target's
 * definition) and leaves the source as it was. Disks are copied only between hosts on this
 * machine (the embedded host and `qemu:///…`): for a remote host they would have to be
 * streamed over SSH, which virtdeck does not do, and it says so. A running guest moves only
 * live, between two libvirt hosts, through libvirt's own peer-to-peer migration.
 */
export async function moveGuest(hosts: Hosts, from: string, name: string, request: MoveRequest, dirs: MoveDirectories): Promise<GuestSummary> {
  const { to } = request;
  if (from === to) throw new VirtdeckError('conflict', `'${name}' is on ${to} already`);
  const source = hosts.driver(from);
  const target = hosts.driver(to);
  const sourceHost = hosts.get(from);
  const targetHost = hosts.get(to);
  const guest = source.get(name);
  if (request.live) return migrateLive(hosts, name, from, to);
  if (guest.state !== 'shutoff') {
    throw new VirtdeckError('conflict', `'${name}' is ${guest.state}: a guest is moved when it is shut off (a running one moves live, between two libvirt hosts)`);
  }
  if (target.list().some((g) => g.name === name)) throw new VirtdeckError('conflict', `${to} has a guest named '${name}' already`);

  const xml = await source.definition(name);
  const { domain } = validateDomain(xml);
  if (!domain) throw new VirtdeckError('invalid-xml', `The definition of '${name}' cannot be read as a domain`);
  const targetDir = to === LOCAL_HOST_ID ? dirs.localImages : (dirs.libvirtImages ?? LIBVIRT_IMAGES_DIR);
  const copies: CopiedDisk[] = [];
  const edits: TextEdit[] = [];
  for (const disk of domain.devices.disks) {
    // CD-ROMs, floppies and read-only disks are media: the copy names the same file.
    if (disk.device !== 'disk' || disk.readonly || disk.shareable) continue;
    const label = disk.target?.dev ?? 'a disk';
    if (disk.type === 'volume') throw new VirtdeckError('not-implemented', `${label} of '${name}' is a pool volume (${disk.source?.pool ?? '?'}/${disk.source?.volume ?? '?'}); moving pool volumes between hosts is not supported yet`);
    if (disk.type !== 'file' || disk.source?.file === undefined) continue;
    if (disk.backingChain.length > 0) throw new VirtdeckError('not-implemented', `${label} of '${name}' is an overlay on ${disk.backingChain[0]?.source?.file ?? 'a backing image'}; flatten it (qemu-img convert) before moving the guest`);
    if (!onThisMachine(sourceHost) || !onThisMachine(targetHost)) {
      const remote = onThisMachine(sourceHost) ? targetHost : sourceHost;
      throw new VirtdeckError(
        'not-implemented',
        `'${name}' has a disk (${label}: ${disk.source.file}) and ${remote.id} (${remote.uri}) is not on this machine: virtdeck would have to stream the file over SSH, which it does not do yet. Copy the file there (scp, or virsh vol-upload into a pool), then define the guest on ${remote.id}`,
      );
    }
    const destination = path.join(targetDir, path.basename(disk.source.file));
    if (copies.some((c) => c.to === destination) || (await exists(destination))) {
      throw new VirtdeckError('conflict', `${destination} exists already: ${label} of '${name}' would overwrite it; rename one of them first`);
    }
    copies.push({ from: disk.source.file, to: destination });
    const source = firstChild(disk.node, 'source');
    const attribute = source?.attributes.find((a) => a.name === 'file');
    if (!attribute) throw new VirtdeckError('invalid-xml', `${label} of '${name}' names its file in a way virtdeck cannot rewrite`);
    edits.push({ range: attribute.valueRange, newText: escapeXml(destination) });
  }

  const copied: string[] = [];
  let defined = false;
  try {
    if (copies.length > 0) await mkdir(targetDir, { recursive: true });
    for (const copy of copies) {
      // Sparse stays sparse; execFile with arguments, never a shell.
      await run('cp', ['--sparse=always', '--no-clobber', '--', copy.from, copy.to]);
      copied.push(copy.to);
    }
    const moved = await target.define(applyEdits(xml, edits), { create: true });
    defined = true;
    await hosts.whileMoving(from, name, to, () => source.undefine(name));
    for (const copy of copies) await rm(copy.from, { force: true });
    return withHost(to, moved);
  } catch (error) {
    if (defined) await target.undefine(name).catch(() => undefined);
    for (const file of copied) await rm(file, { force: true });
    throw error;
  }
}

/**
 * Live migration between two libvirt hosts, libvirt's own peer-to-peer one: the source's
 * libvirtd connects to the target's itself, at the URI virtdeck knows the target by. What
 * would fail only halfway, or with libvirt's words naming neither host, is refused first: a
 * target that cannot be reached, one that has a guest of that name, and a target URI that
 * means this machine (`qemu:///system`) while the source is another one, whose libvirtd would
 * read it as its own. On a failure the guest is still on the source, and the error says so.
 */
async function migrateLive(hosts: Hosts, name: string, from: string, to: string): Promise<GuestSummary> {
  const source = hosts.driver(from);
  const target = hosts.driver(to);
  const sourceHost = hosts.get(from);
  const targetHost = hosts.get(to);
  if (!(source instanceof LibvirtDriver) || !(target instanceof LibvirtDriver)) {
    throw new VirtdeckError('not-implemented', `Live migration is libvirt's (virsh migrate --live --p2p) and needs two libvirt hosts; ${source instanceof LibvirtDriver ? to : from} is virtdeck's own host. Shut the guest off to move it`);
  }
  if (targetHost.state !== 'connected') {
    throw new VirtdeckError('unavailable', `${to} (${targetHost.uri}) cannot be reached (${targetHost.error ?? targetHost.state}): '${name}' stays on ${from}`);
  }
  if (target.list().some((g) => g.name === name)) {
    // Listed there but gone meanwhile (it was just migrated away from there, say): libvirt will judge.
    const there = await target.definition(name).catch((error: unknown) => {
      if (error instanceof VirtdeckError && error.code === 'not-found') return undefined;
      throw error;
    });
    if (there !== undefined) {
      const uuid = parseDefinition(there).facts.uuid;
      if (uuid !== undefined && uuid === parseDefinition(await source.definition(name)).facts.uuid) {
        throw new VirtdeckError('conflict', `${to} (${targetHost.uri}) lists '${name}' with the same UUID: it is the libvirtd of ${from} itself, under another URI, and a guest is not migrated to the host it is on`);
      }
      throw new VirtdeckError('conflict', `${to} has a guest named '${name}' already`);
    }
  }
  if (onThisMachine(targetHost) && !onThisMachine(sourceHost)) {
    throw new VirtdeckError(
      'not-implemented',
      `${from}'s libvirtd connects to the target itself, and ${targetHost.uri} would mean ${from}'s own libvirt there: add this machine's libvirt under a URI that ${from} can reach (qemu+ssh://user@this-machine/system) and migrate to that host`,
    );
  }
  try {
    await hosts.whileMoving(from, name, to, () => source.migrate(name, targetHost.uri));
  } catch (error) {
    if (!(error instanceof VirshError)) throw error;
    const still = source.list().find((g) => g.name === name);
    const where = still ? `; '${name}' is still ${still.state} on ${from}` : '';
    if (/same host/i.test(error.said)) {
      // Two machines cloned from one image share a host UUID (machine-id) or host name.
      throw new VirtdeckError('conflict', `libvirt takes ${to} for the same host as ${from} (the same host name or host UUID) and does not migrate a guest to the host it is on (${error.said})${where}`, { cause: error });
    }
    throw new VirtdeckError(error.connection ? 'unavailable' : 'qemu-failed', `libvirt did not migrate '${name}' from ${from} to ${to}: ${error.said}${where}`, { cause: error });
  }
  // The target's own word, not what its event stream had told by now (an incoming guest is paused until the end).
  return withHost(to, await target.refresh(name));
}

/** The embedded host, and libvirt URIs of this machine (`qemu:///…`, `qemu+unix:///…`). */
function onThisMachine(host: { id: string; uri: string }): boolean {
  return host.id === LOCAL_HOST_ID || /^qemu(\+unix)?:\/\/\//.test(host.uri);
}

const moveBody = z.object({ to: z.string().min(1).max(63), live: z.boolean().optional() }).strict();

/** `POST …/domains/NAME/move { to, live? }` of the host `hostOf` gives: the moved guest's summary. */
export function moveRoute(hosts: Hosts, dirs: MoveDirectories, hostOf: (req: Request) => string) {
  return async (req: Request, res: Response): Promise<void> => {
    const from = hostOf(req);
    const name = parseInput(guestName, (req.params as { name?: string }).name, 'guest name');
    const { to, live } = parseInput(moveBody, jsonBody(req), 'move request');
    res.json(await moveGuest(hosts, from, name, live === undefined ? { to } : { to, live }, dirs));
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
