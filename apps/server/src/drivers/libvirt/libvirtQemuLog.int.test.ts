import { rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary, HostSummary } from '../../api.js';
import { demoGuestXml } from '../../demoGuest.js';
import { demoGuest } from '../../testing/demoGuest.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../../testing/privateLibvirtd.js';
import { SseClient } from '../../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../../testing/testServer.js';

/**
 * QEMU's log of a guest of a libvirtd with a log folder of its own (privateLibvirtd.ts mounts
 * one over /var/log/libvirt for that daemon only): what that daemon wrote, never the file of
 * the same name in the system libvirtd's folder, which is planted here to tell them apart.
 */
describe("QEMU's log of a guest of a libvirtd of its own", () => {
  const name = `vdt-${process.pid}-qlog`;
  const decoy = `/var/log/libvirt/qemu/${name}.log`;
  let daemon: PrivateLibvirtd;
  let server: TestServer;

  beforeAll(async () => {
    daemon = await startPrivateLibvirtd(8);
    server = await startTestServer({ capabilities: notProbed });
  }, 120_000);
  afterAll(async () => {
    await rm(decoy, { force: true });
    await server?.dispose();
    await daemon?.close();
  }, 60_000);

  it("is the log that daemon wrote, through its own view of its files", async () => {
    await writeFile(decoy, "the system libvirtd's log of another guest of this name\n");
    expect((await server.api.post('/api/hosts', { json: { id: 'lvp', uri: daemon.uri } })).status).toBe(201);
    const sse = await SseClient.connect(server.url, server.token.value);
    try {
      await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'lvp' && h.state === 'connected'), 60_000);
    } finally {
      sse.close();
    }
    expect((await server.api.post('/api/hosts/lvp/domains', { xml: demoGuestXml(name, demoGuest()) })).status).toBe(201);
    expect((await server.api.post<GuestSummary>(`/api/hosts/lvp/domains/${name}/start`)).body.state).toBe('running');

    const log = await server.api.get<string>(`/api/hosts/lvp/domains/${name}/qemu-log`);
    expect(log.status).toBe(200);
    // libvirt starts each launch's entry with QEMU's command line.
    expect(log.body).toContain(`-name guest=${name}`);
    expect(log.body).not.toContain("the system libvirtd's log");
  });
});
