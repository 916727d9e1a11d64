import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DefinitionVersion, GuestRemoval, GuestSummary, LifecycleEvent } from '../../api.js';
import { demoGuestXml } from '../../demoGuest.js';
import { openConsole } from '../../testing/consoleClient.js';
import { smallDefinition } from '../../testing/definitions.js';
import { demoGuest } from '../../testing/demoGuest.js';
import type { LibvirtHost } from '../../testing/libvirtHost.js';
import { startLibvirtTestbed, type LibvirtTestbed } from '../../testing/libvirtTestbed.js';
import type { SseClient } from '../../testing/sseClient.js';
import type { TestServer } from '../../testing/testServer.js';

/**
 * A libvirt guest saved under a new name: `virsh domrename`, then the save, as the
 * embedded guests' rename — the stream says where it went and the history keeps what the
 * save replaced, the old name's definition included.
 */
describe('renaming a guest of a libvirt host', () => {
  const before = `vdt-${process.pid}-rename-a`;
  const after = `vdt-${process.pid}-rename-b`;
  const ran = `vdt-${process.pid}-rename-ran`;
  const ranAfter = `vdt-${process.pid}-rename-ran-b`;
  let testbed: LibvirtTestbed;
  let libvirt: LibvirtHost;
  let server: TestServer;
  let sse: SseClient;

  beforeAll(async () => {
    testbed = await startLibvirtTestbed();
    ({ libvirt, server, sse } = testbed);
  }, 90_000);
  afterAll(async () => {
    await testbed?.close([before, after, ran, ranAfter]);
  });

  it('renames it with virsh domrename, says so on the stream, and keeps the definition the save replaced', async () => {
    expect((await server.api.post('/api/hosts/lv/domains', { xml: smallDefinition(before, 64) })).status).toBe(201);
    const stored = (await server.api.get<string>(`/api/hosts/lv/domains/${before}/xml`)).body;
    expect(stored).toContain(`<name>${before}</name>`);

    const renamed = await server.api.put<GuestSummary>(`/api/hosts/lv/domains/${before}/xml`, { xml: smallDefinition(after, 96) });
    expect(renamed).toMatchObject({ status: 200, body: { name: after, host: 'lv', memoryKiB: 96 * 1024 } });
    expect((await sse.next<GuestRemoval>('removed', (r) => r.host === 'lv' && r.name === before)).data).toEqual({ host: 'lv', name: before, renamedTo: after });

    expect(await libvirt.virsh('list', '--all', '--name')).toContain(after);
    expect(await libvirt.virsh('list', '--all', '--name')).not.toContain(before);
    expect((await server.api.get(`/api/hosts/lv/domains/${before}`)).status).toBe(404);
    // What the save replaced, under its old name and memory, is the newest version of the renamed guest.
    const versions = (await server.api.get<DefinitionVersion[]>(`/api/hosts/lv/domains/${after}/history`)).body;
    expect(versions.length).toBeGreaterThan(0);
    expect((await server.api.get<string>(`/api/hosts/lv/domains/${after}/history/${versions[0]!.id}`)).body).toBe(stored);
  });

  it('takes the console log and the lifecycle events of a guest that has run to its new name', async () => {
    const guest = demoGuest();
    expect((await server.api.post('/api/hosts/lv/domains', { xml: demoGuestXml(ran, guest) })).status).toBe(201);
    expect((await server.api.post<GuestSummary>(`/api/hosts/lv/domains/${ran}/start`)).body.state).toBe('running');
    const live = await openConsole(server.url, server.token.value, ran, 'lv');
    await live.waitFor(guest.readyMarker, { timeoutMs: 120_000 });
    live.close();
    expect((await server.api.post<GuestSummary>(`/api/hosts/lv/domains/${ran}/destroy`)).body.state).toBe('shutoff');
    const events = (await server.api.get<LifecycleEvent[]>(`/api/hosts/lv/domains/${ran}/events`)).body.map((e) => e.event);
    expect(events).toContain('started');

    const saved = (await server.api.get<string>(`/api/hosts/lv/domains/${ran}/xml`)).body;
    const renamed = await server.api.put<GuestSummary>(`/api/hosts/lv/domains/${ran}/xml`, { xml: saved.replace(`<name>${ran}</name>`, `<name>${ranAfter}</name>`) });
    expect(renamed).toMatchObject({ status: 200, body: { name: ranAfter, state: 'shutoff' } });
    // The console of the renamed guest replays the boot it printed under its old name.
    const scrollback = await openConsole(server.url, server.token.value, ranAfter, 'lv');
    await scrollback.waitFor(guest.readyMarker, { timeoutMs: 30_000 });
    scrollback.close();
    const eventsAfter = (await server.api.get<LifecycleEvent[]>(`/api/hosts/lv/domains/${ranAfter}/events`)).body.map((e) => e.event);
    expect(eventsAfter.slice(0, events.length)).toEqual(events);
  });
});
