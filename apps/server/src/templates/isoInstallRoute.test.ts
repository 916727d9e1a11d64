import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { validateDomain } from '@virtdeck/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody, IsoInstallRequest, IsoInstallResult, VolumeSummary } from '../api.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

describe('POST /api/templates/iso (real files and qemu-img, no QEMU guest)', () => {
  let server: TestServer;
  let images: string;
  const request = (name: string, extra: Partial<IsoInstallRequest> = {}): IsoInstallRequest => ({
    name,
    iso: { pool: 'default', volume: 'installer.iso' },
    os: 'linux',
    memoryMiB: 1024,
    vcpus: 2,
    disk: { pool: 'default', sizeGiB: 0.5 },
    network: { type: 'user' },
    ...extra,
  });
  const install = (body: unknown) => server.api.post<IsoInstallResult & ErrorBody>('/api/templates/iso', { json: body });

  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
    images = path.join(server.stateDir, 'images');
    // Any bytes do for an ISO here: qemu-img calls it raw, and nothing boots it.
    const response = await fetch(new URL('/api/pools/default/volumes/installer.iso', server.url), {
      method: 'PUT',
      headers: { Authorization: `Bearer ${server.token.value}`, 'Content-Type': 'application/octet-stream' },
      body: Buffer.alloc(64 * 1024, 1),
    });
    expect(response.status).toBe(201);
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('writes a valid definition booting the ISO volume, and makes its qcow2 disk in the pool when the guest is defined', async () => {
    const made = await install(request('installer'));
    expect(made.status).toBe(200);
    const disk = path.join(images, 'installer.qcow2');
    expect(made.body.disk).toEqual({ pool: 'default', volume: 'installer.qcow2', path: disk, bytes: 512 * 1024 * 1024 });
    expect(validateDomain(made.body.xml).valid).toBe(true);
    expect(made.body.xml).toContain(`<source file='${path.join(images, 'installer.iso')}'/>`);
    expect(made.body.xml).toContain(`<source file='${disk}'/>`);
    // Shown in the editor, not yet defined: no disk.
    await expect(nodeFs.stat(disk)).rejects.toMatchObject({ code: 'ENOENT' });

    expect((await server.api.post('/api/domains', { xml: made.body.xml })).status).toBe(201);
    const listed = (await server.api.get<VolumeSummary[]>('/api/pools/default/volumes')).body.find((v) => v.name === 'installer.qcow2');
    expect(listed).toMatchObject({ format: 'qcow2', capacity: 512 * 1024 * 1024, usedBy: ['installer'] });
    // The same name again would need the disk it has.
    expect((await install(request('installer'))).status).toBe(409);
  });

  it('puts the disk in the pool asked for and the NIC on the network asked for', async () => {
    const dir = path.join(server.stateDir, 'fast');
    expect((await server.api.post('/api/pools', { xml: `<pool type='dir'><name>fast</name><target><path>${dir}</path></target></pool>` })).status).toBe(201);
    const made = await install(request('placed', { disk: { pool: 'fast', sizeGiB: 1 }, network: { type: 'network', name: 'default' }, os: 'windows11', accelerator: 'kvm' }));
    expect(made.status).toBe(200);
    expect(made.body.disk.path).toBe(path.join(dir, 'placed.qcow2'));
    expect(made.body.xml).toContain("<domain type='kvm'>");
    expect(made.body.xml).toContain("<tpm model='tpm-crb'>");
    expect(made.body.xml).toContain("<source network='default'/>");
    expect((await server.api.post('/api/domains', { xml: made.body.xml })).status).toBe(201);
    expect((await nodeFs.readFile(path.join(dir, 'placed.qcow2'))).subarray(0, 4).toString('latin1')).toBe('QFI\xfb');
  });

  it('says what is wrong with a request: a missing ISO, a disk image as the ISO, an unknown pool or network, bad numbers', async () => {
    const missing = await install(request('a', { iso: { pool: 'default', volume: 'nope.iso' } }));
    expect(missing.status).toBe(404);

    const qcow2 = await server.api.post('/api/pools/default/volumes', { xml: "<volume><name>disk.qcow2</name><capacity unit='MiB'>1</capacity><target><format type='qcow2'/></target></volume>" });
    expect(qcow2.status).toBe(201);
    const notIso = await install(request('a', { iso: { pool: 'default', volume: 'disk.qcow2' } }));
    expect(notIso.status).toBe(400);
    expect(notIso.body.message).toBe("disk.qcow2 in the pool 'default' is a qcow2 image, not an ISO");

    expect((await install(request('a', { disk: { pool: 'elsewhere', sizeGiB: 1 } }))).status).toBe(404);
    const network = await install(request('a', { network: { type: 'network', name: 'no-such-net' } }));
    expect(network.status).toBe(404);
    expect(network.body.message).toContain('no-such-net');

    const bad = await install({ ...request('../a'), memoryMiB: 0, vcpus: 1.5, os: 'beos', extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid-request');
    expect(bad.body.message).toContain("the name contains '/'");
    for (const field of ['memoryMiB', 'vcpus', 'os']) expect(bad.body.message).toContain(`'${field}' should be`);
    expect((await install({ name: 'a' })).body.message).toContain("'iso' is missing");
    // Nothing was promised or made for any of them.
    expect((await nodeFs.readdir(images)).sort()).toEqual(['disk.qcow2', 'installer.iso']);
  });
});
