import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestRemoval, GuestSummary, HostSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { demoGuest } from '../testing/demoGuest.js';
import { startLibvirtHost, type LibvirtHost } from '../testing/libvirtHost.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';
import { LIBVIRT_IMAGES_DIR } from './moveGuest.js';

/**
 * A shut-off guest with a disk moved from virtdeck's own host to qemu:///system and back:
 * its definition goes with it (same UUID), its disk file is copied next to the other host's
 * images and removed where it was, and what cannot be done says why.
 */
describe('moving a guest between hosts', () => {
  const name = `vdt-${process.pid}-move`;
  const marker = `virtdeck-move-${process.pid}`;
  let libvirt: LibvirtHost;
  let server: TestServer;
  let localDisk: string;
  let sse: SseClient | undefined;
  const libvirtDisk = path.join(LIBVIRT_IMAGES_DIR, `${name}.raw`);

  beforeAll(async () => {
    libvirt = await startLibvirtHost();
    server = await startTestServer({ capabilities: notProbed });
    localDisk = path.join(server.stateDir, 'images', `${name}.raw`);
  }, 60_000);
  afterAll(async () => {
    sse?.close();
    await libvirt?.virsh('undefine', name).catch(() => undefined);
    await rm(libvirtDisk, { force: true });
    await server?.dispose();
    await libvirt?.close();
  });

  it('copies the definition and the disk to qemu:///system and back, leaving nothing behind on the host it left', async () => {
    // A 4 MiB raw disk with a marker at its start, in the local host's images.
    await mkdir(path.dirname(localDisk), { recursive: true });
    const image = Buffer.alloc(4 * 1024 * 1024);
    image.write(marker, 0);
    await writeFile(localDisk, image);
    const xml = demoGuestXml(name, demoGuest()).replace(
      '<devices>',
      `<devices>\n    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${localDisk}'/><target dev='vda' bus='virtio'/></disk>`,
    );
    const created = await server.api.post<GuestSummary>('/api/domains', { xml });
    expect(created.status).toBe(201);
    const uuid = /<uuid>([^<]+)<\/uuid>/.exec((await server.api.get<string>(`/api/domains/${name}/xml`)).body)?.[1];
    expect(uuid).toBeTruthy();

    expect((await server.api.post('/api/hosts', { json: { id: 'lv', uri: 'qemu:///system' } })).status).toBe(201);
    sse = await SseClient.connect(server.url, server.token.value);
    await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'lv' && h.state === 'connected'));

    // What cannot be done is refused before anything changes.
    expect((await server.api.post<ErrorBody>(`/api/domains/${name}/move`, { json: { to: 'local' } })).status).toBe(409);
    const live = await server.api.post<ErrorBody>(`/api/domains/${name}/move`, { json: { to: 'lv', live: true } });
    expect(live.status).toBe(501);
    expect(live.body.message).toMatch(/two libvirt hosts/);
    expect((await server.api.post<ErrorBody>(`/api/domains/${name}/move`, { json: { to: 'nowhere' } })).status).toBe(404);

    // To libvirt: defined there with the same UUID and the copied disk; gone here, with its file.
    const there = await server.api.post<GuestSummary>(`/api/domains/${name}/move`, { json: { to: 'lv' } });
    expect(there.status).toBe(200);
    expect(there.body).toMatchObject({ host: 'lv', name, state: 'shutoff' });
    const defined = await libvirt.virsh('dumpxml', name, '--inactive');
    expect(defined).toContain(`<uuid>${uuid}</uuid>`);
    expect(defined).toContain(`<source file='${libvirtDisk}'/>`);
    expect((await readFile(libvirtDisk)).subarray(0, marker.length).toString()).toBe(marker);
    expect((await stat(libvirtDisk)).size).toBe(image.length);
    await expect(stat(localDisk)).rejects.toThrow();
    expect((await server.api.get(`/api/domains/${name}`)).status).toBe(404);
    // A page open on it follows it there: its removal here names the host it went to.
    expect((await sse.next<GuestRemoval>('removed', (r) => r.name === name && r.host === 'local')).data).toEqual({ host: 'local', name, movedTo: 'lv' });

    // And back: the local host has it again, libvirt no longer.
    const back = await server.api.post<GuestSummary>(`/api/hosts/lv/domains/${name}/move`, { json: { to: 'local' } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ host: 'local', name, state: 'shutoff' });
    expect((await readFile(localDisk)).subarray(0, marker.length).toString()).toBe(marker);
    await expect(stat(libvirtDisk)).rejects.toThrow();
    await expect(libvirt.virsh('dominfo', name)).rejects.toThrow();
    expect((await server.api.get<GuestSummary>(`/api/domains/${name}`)).body).toMatchObject({ name, state: 'shutoff' });
    expect((await server.api.get(`/api/hosts/lv/domains/${name}`)).status).toBe(404);
    expect((await sse.next<GuestRemoval>('removed', (r) => r.name === name && r.host === 'lv')).data).toEqual({ host: 'lv', name, movedTo: 'local' });
  }, 120_000);
});
