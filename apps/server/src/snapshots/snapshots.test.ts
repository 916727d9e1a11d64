import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary, SnapshotSummary } from '../api.js';
import { definitionWithDisk } from '../testing/definitions.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

/** A guest with one qcow2 disk (and a raw one when asked), never started: its snapshots are qemu-img's. */
const guestXml = (name: string, disk: string, more = '') =>
  definitionWithDisk(name, disk, {
    devices: `${more}
    <interface type='user'>
      <mac address='52:54:00:12:34:56'/>
      <model type='virtio'/>
    </interface>`,
  });

const writePattern = (file: string, byte: number) => execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${byte} 0 4k`, file]);
/** Whether the image's first 4 KiB are all `byte`, read as the guest would see them. */
const holds = (file: string, byte: number): boolean => {
  try {
    execFileSync('qemu-io', ['-f', 'qcow2', '-r', '-U', '-c', `read -P ${byte} 0 4k`, file], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};
const imageTags = (file: string): string[] => execFileSync('qemu-img', ['snapshot', '-l', file], { encoding: 'utf8' }).split('\n').slice(2).map((line) => line.split(/\s+/)[1] ?? '').filter(Boolean);

describe('snapshots of a shut-off guest (qemu-img snapshot)', () => {
  let server: TestServer;
  let images: string;
  let disk: string;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
    images = path.join(server.stateDir, 'images');
    disk = path.join(images, 'box.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '16M']);
    expect((await server.api.post('/api/domains', { xml: guestXml('box', disk) })).status).toBe(201);
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('takes a tree of snapshots, reverts the disk and the definition to one, and deletes one handing its child to its parent', async () => {
    writePattern(disk, 1);
    const first = await server.api.post<SnapshotSummary>('/api/domains/box/snapshots', { json: { name: 'first', description: 'clean <install>' } });
    expect(first).toMatchObject({ status: 201, body: { name: 'first', description: 'clean <install>', state: 'shutoff', memory: false, current: true, disks: ['vda'] } });
    expect(first.body.parent).toBeUndefined();
    expect(imageTags(disk)).toEqual(['first']);

    writePattern(disk, 2);
    const saved = (await server.api.get<string>('/api/domains/box/xml')).body;
    await server.api.put('/api/domains/box/xml', { xml: saved.replace('<memory unit=\'MiB\'>64</memory>', "<memory unit='MiB'>96</memory>") });
    expect((await server.api.post<SnapshotSummary>('/api/domains/box/snapshots', { json: { name: 'second' } })).body).toMatchObject({ parent: 'first', current: true });
    writePattern(disk, 3);

    const reverted = await server.api.post<GuestSummary>('/api/domains/box/snapshots/first/revert');
    expect(reverted).toMatchObject({ status: 200, body: { name: 'box', state: 'shutoff', memoryKiB: 64 * 1024 } });
    expect(holds(disk, 1)).toBe(true);
    expect((await server.api.get<string>('/api/domains/box/xml')).body).toBe(saved);
    const list = (await server.api.get<SnapshotSummary[]>('/api/domains/box/snapshots')).body;
    expect(list.map((s) => [s.name, s.parent, s.current])).toEqual([
      ['first', undefined, true],
      ['second', 'first', false],
    ]);

    const third = await server.api.post<SnapshotSummary>('/api/domains/box/snapshots', { json: { name: 'third' } });
    expect(third.body.parent).toBe('first');
    expect((await server.api.delete('/api/domains/box/snapshots/first')).status).toBe(204);
    expect(imageTags(disk).sort()).toEqual(['second', 'third']);
    const after = (await server.api.get<SnapshotSummary[]>('/api/domains/box/snapshots')).body;
    expect(after.map((s) => [s.name, s.parent ?? null, s.current])).toEqual([
      ['second', null, false],
      ['third', null, true],
    ]);

    await server.api.post('/api/domains/box/snapshots/second/revert');
    expect(holds(disk, 2)).toBe(true);
    expect((await server.api.get<string>('/api/domains/box/xml')).body).toContain("<memory unit='MiB'>96</memory>");
  });

  it('keeps each snapshot as libvirt snapshot XML with the definition of its time', async () => {
    await server.api.post('/api/domains/box/snapshots', { json: { name: 'kept' } });
    const xml = await server.api.get<string>('/api/domains/box/snapshots/kept');
    expect(xml.headers.get('content-type')).toContain('application/xml');
    expect(xml.body).toMatch(/^<domainsnapshot>\n {2}<name>kept<\/name>\n {2}<state>shutoff<\/state>\n/);
    expect(xml.body).toContain("<memory snapshot='no'/>");
    expect(xml.body).toContain("<disk name='vda' snapshot='internal'/>");
    expect(xml.body).toContain('  <domain type=\'qemu\'>\n    <name>box</name>');
    expect(await readdir(path.join(server.stateDir, 'snapshots', 'box'))).toEqual(['current', 'kept.xml']);
  });

  it('refuses names that are not file names or are only digits, a second snapshot of one name, and unknown snapshots', async () => {
    for (const name of ['../x', '.hidden', '12']) {
      const refused = await server.api.post<ErrorBody>('/api/domains/box/snapshots', { json: { name } });
      expect(refused.status, name).toBe(400);
      expect(refused.body.message, name).toMatch(/^Snapshot: /);
    }
    await server.api.post('/api/domains/box/snapshots', { json: { name: 'once' } });
    expect(await server.api.post<ErrorBody>('/api/domains/box/snapshots', { json: { name: 'once' } })).toMatchObject({ status: 409, body: { message: "'box' already has a snapshot named 'once'" } });
    expect((await server.api.post<ErrorBody>('/api/domains/box/snapshots/none/revert')).status).toBe(404);
    expect((await server.api.delete<ErrorBody>('/api/domains/box/snapshots/none')).status).toBe(404);
    expect(imageTags(disk)).toEqual(['once']);
  });

  it('refuses a guest with a raw disk, or with no disk, saying which disk and why', async () => {
    const raw = path.join(images, 'data.img');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', raw, '1M']);
    const more = `\n    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source file='${raw}'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>`;
    await server.api.post('/api/domains', { xml: guestXml('mixed', disk.replace('box', 'mixed'), more) });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk.replace('box', 'mixed'), '1M']);
    const refused = await server.api.post<ErrorBody>('/api/domains/mixed/snapshots', { json: { name: 's' } });
    expect(refused).toMatchObject({ status: 409 });
    expect(refused.body.message).toContain(`The disk vdb of 'mixed' (${raw}) is raw`);
    expect(imageTags(disk.replace('box', 'mixed'))).toEqual([]);

    await server.api.post('/api/domains', { xml: guestXml('diskless', disk).replace(/<disk[\s\S]*<\/disk>/, '') });
    expect((await server.api.post<ErrorBody>('/api/domains/diskless/snapshots', { json: { name: 's' } })).body.message).toContain('has no writable qcow2 disk');
  });

  it('refuses to rename a guest with snapshots, and forgets them when it is deleted', async () => {
    await server.api.post('/api/domains/box/snapshots', { json: { name: 's' } });
    const saved = (await server.api.get<string>('/api/domains/box/xml')).body;
    const renamed = await server.api.put<ErrorBody>('/api/domains/box/xml', { xml: saved.replace('<name>box</name>', '<name>crate</name>') });
    expect(renamed).toMatchObject({ status: 409 });
    expect(renamed.body.message).toContain('has snapshots');
    expect((await server.api.delete('/api/domains/box')).status).toBe(204);
    expect(existsSync(path.join(server.stateDir, 'snapshots', 'box'))).toBe(false);
    await server.api.post('/api/domains', { xml: saved });
    expect((await server.api.get<SnapshotSummary[]>('/api/domains/box/snapshots')).body).toEqual([]);
  });

  it('does not read a snapshot file through a symlink', async () => {
    await server.api.post('/api/domains/box/snapshots', { json: { name: 's' } });
    const dir = path.join(server.stateDir, 'snapshots', 'box');
    await writeFile(path.join(server.stateDir, 'elsewhere.xml'), '<domainsnapshot><name>linked</name></domainsnapshot>');
    await symlink(path.join(server.stateDir, 'elsewhere.xml'), path.join(dir, 'linked.xml'));
    // The others are still listed; the one that cannot be read is reported with why, and can be deleted.
    const listed = await server.api.get<SnapshotSummary[]>('/api/domains/box/snapshots');
    expect(listed.status).toBe(200);
    expect(listed.body.map((s) => [s.name, s.broken === undefined])).toEqual([
      ['s', true],
      ['linked', false],
    ]);
    expect(listed.body[1]?.broken).toMatch(/linked/);
    expect((await server.api.post<ErrorBody>('/api/domains/box/snapshots/linked/revert')).status).toBe(409);
    expect((await server.api.delete('/api/domains/box/snapshots/linked')).status).toBe(204);
    expect((await server.api.get<SnapshotSummary[]>('/api/domains/box/snapshots')).body.map((s) => s.name)).toEqual(['s']);
    expect(await readFile(path.join(server.stateDir, 'elsewhere.xml'), 'utf8')).toContain('linked');
  });

  it('lists the other snapshots when one file is not a snapshot document, and says which and why', async () => {
    await server.api.post('/api/domains/box/snapshots', { json: { name: 'good' } });
    await writeFile(path.join(server.stateDir, 'snapshots', 'box', 'torn.xml'), '<domainsnapshot><name>torn</na');
    const listed = await server.api.get<SnapshotSummary[]>('/api/domains/box/snapshots');
    expect(listed.status).toBe(200);
    expect(listed.body.map((s) => s.name)).toEqual(['good', 'torn']);
    expect(listed.body[0]).toMatchObject({ current: true, disks: ['vda'] });
    expect(listed.body[1]?.broken).toBe('The snapshot file snapshots/box/torn.xml is not a snapshot document');
  });
});

describe('clones of a shut-off guest', () => {
  let server: TestServer;
  let disk: string;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
    disk = path.join(server.stateDir, 'images', 'orig.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '16M']);
    writePattern(disk, 7);
    await server.api.post('/api/domains', { xml: guestXml('orig', disk) });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('makes a full copy with a new name, UUID, MAC and disk in the same pool', async () => {
    const made = await server.api.post<GuestSummary>('/api/domains/orig/clone', { json: { name: 'copy', mode: 'full' } });
    expect(made).toMatchObject({ status: 201, body: { name: 'copy', state: 'shutoff' } });
    const orig = (await server.api.get<string>('/api/domains/orig/xml')).body;
    const copy = (await server.api.get<string>('/api/domains/copy/xml')).body;
    const uuid = (xml: string) => /<uuid>([^<]+)</.exec(xml)?.[1];
    const mac = (xml: string) => /<mac address='([^']+)'/.exec(xml)?.[1];
    expect(uuid(copy)).toMatch(/^[0-9a-f-]{36}$/);
    expect(uuid(copy)).not.toBe(uuid(orig));
    expect(mac(copy)).toMatch(/^52:54:00:/);
    expect(mac(copy)).not.toBe(mac(orig));
    const copied = path.join(server.stateDir, 'images', 'copy.qcow2');
    expect(copy).toContain(`<source file='${copied}'/>`);
    expect(copy).not.toContain('backingStore');
    expect(holds(copied, 7)).toBe(true);
    writePattern(copied, 8);
    expect(holds(disk, 7)).toBe(true);
  });

  it('makes a linked clone: a qcow2 overlay whose definition names the original as its backing store', async () => {
    expect((await server.api.post('/api/domains/orig/clone', { json: { name: 'thin', mode: 'linked' } })).status).toBe(201);
    const overlay = path.join(server.stateDir, 'images', 'thin.qcow2');
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', overlay], { encoding: 'utf8' })) as { 'backing-filename'?: string; 'virtual-size': number };
    expect(info).toMatchObject({ 'backing-filename': disk, 'virtual-size': 16 * 1024 * 1024 });
    const xml = (await server.api.get<string>('/api/domains/thin/xml')).body;
    expect(xml).toMatch(new RegExp(`<source file='${overlay}'/>\\s*<backingStore type='file'>\\s*<format type='qcow2'/>\\s*<source file='${disk}'/>\\s*</backingStore>`));
    expect(holds(overlay, 7)).toBe(true);
  });

  it('keeps the original of a linked clone from writing the images the clone reads, until the clone is gone', async () => {
    await server.api.post('/api/domains/orig/snapshots', { json: { name: 'base' } });
    await server.api.post('/api/domains/orig/clone', { json: { name: 'thin', mode: 'linked' } });
    const started = await server.api.post<ErrorBody>('/api/domains/orig/start');
    expect(started).toMatchObject({ status: 409 });
    expect(started.body.message).toBe("'orig' holds the backing images of its linked clone 'thin': starting it would change the disks they read. Delete it first, or make full clones instead");
    const reverted = await server.api.post<ErrorBody>('/api/domains/orig/snapshots/base/revert');
    expect(reverted.status).toBe(409);
    expect(reverted.body.message).toContain('reverting it to a snapshot would change the disks they read');
    expect((await server.api.delete('/api/domains/thin')).status).toBe(204);
    expect((await server.api.post('/api/domains/orig/snapshots/base/revert')).status).toBe(200);
  });

  it('refuses a taken name or an existing image and leaves no file behind when a disk cannot be copied', async () => {
    expect((await server.api.post<ErrorBody>('/api/domains/orig/clone', { json: { name: 'orig', mode: 'full' } })).status).toBe(409);
    await writeFile(path.join(server.stateDir, 'images', 'taken.qcow2'), 'someone else');
    const taken = await server.api.post<ErrorBody>('/api/domains/orig/clone', { json: { name: 'taken', mode: 'full' } });
    expect(taken.body.message).toContain('exists already');

    const missing = path.join(server.stateDir, 'elsewhere', 'gone.qcow2');
    await mkdir(path.dirname(missing));
    const more = `\n    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='${missing}'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>`;
    const saved = (await server.api.get<string>('/api/domains/orig/xml')).body;
    await server.api.put('/api/domains/orig/xml', { xml: saved.replace('</disk>', `</disk>${more}`) });
    const failed = await server.api.post<ErrorBody>('/api/domains/orig/clone', { json: { name: 'half', mode: 'full' } });
    expect(failed.status).toBe(422);
    expect(failed.body.message).toContain(missing);
    expect((await readdir(path.join(server.stateDir, 'images'))).sort()).toEqual(['orig.qcow2', 'taken.qcow2']);
    expect((await server.api.get('/api/domains/half')).status).toBe(404);
    expect((await server.api.post<ErrorBody>('/api/domains/orig/clone', { json: { name: 'x', mode: 'deep' } })).status).toBe(400);
  });
});
