import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary, HostSummary } from '../../api.js';
import { watchdogKernel } from '../../testing/haltingKernel.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../../testing/privateLibvirtd.js';
import { SseClient } from '../../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../../testing/testServer.js';
import { waitFor } from '../../testing/waitFor.js';

/**
 * A libvirt guest its watchdog paused read 'paused (user)': virsh says `paused (watchdog)`,
 * which the table of reasons lacked, and any reason it did not know was taken for a Pause.
 */
describe('a libvirt guest its watchdog paused', () => {
  const name = `vdt-${process.pid}-wdog`;
  let dir: string;
  let daemon: PrivateLibvirtd;
  let server: TestServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vd-wdog-'));
    daemon = await startPrivateLibvirtd(7);
    server = await startTestServer({ capabilities: notProbed });
  }, 120_000);
  afterAll(async () => {
    await server?.api.post(`/api/hosts/lvw/domains/${name}/destroy`).catch(() => undefined);
    await server?.dispose();
    await daemon?.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('has the reason an own guest has, until it is resumed', async () => {
    // A kernel that arms an ib700 watchdog for 2 s and halts without feeding it.
    const kernel = path.join(dir, 'watchdog.bin');
    await writeFile(kernel, watchdogKernel());
    const xml = `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>${kernel}</kernel></os>
  <devices><watchdog model='ib700' action='pause'/></devices>
</domain>`;
    expect((await server.api.post('/api/hosts', { json: { id: 'lvw', uri: daemon.uri } })).status).toBe(201);
    const sse = await SseClient.connect(server.url, server.token.value);
    try {
      await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'lvw' && h.state === 'connected'), 60_000);
    } finally {
      sse.close();
    }
    const defined = await server.api.post('/api/hosts/lvw/domains', { xml });
    expect(defined.status, JSON.stringify(defined.body)).toBe(201);
    expect((await server.api.post<GuestSummary>(`/api/hosts/lvw/domains/${name}/start`)).body.state).toBe('running');

    const guestNow = async () => (await server.api.get<GuestSummary>(`/api/hosts/lvw/domains/${name}`)).body;
    const paused = await waitFor('the watchdog paused the guest', async () => ((await guestNow()).state === 'paused' ? guestNow() : undefined), 90_000, 500);
    expect(paused).toMatchObject({ state: 'paused', reason: 'watchdog' });

    expect((await server.api.post<GuestSummary>(`/api/hosts/lvw/domains/${name}/resume`)).status).toBe(200);
    await waitFor('the guest runs again', async () => ((await guestNow()).state === 'running' ? true : undefined), 30_000, 500);
    expect(await guestNow()).toMatchObject({ state: 'running', reason: 'user' });
  }, 180_000);
});
