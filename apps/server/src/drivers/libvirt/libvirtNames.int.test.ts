import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary, HostLifecycleEvent } from '../../api.js';
import { demoGuestXml } from '../../demoGuest.js';
import { demoGuest } from '../../testing/demoGuest.js';
import type { LibvirtHost } from '../../testing/libvirtHost.js';
import { startLibvirtTestbed, type LibvirtTestbed } from '../../testing/libvirtTestbed.js';
import type { SseClient } from '../../testing/sseClient.js';
import type { TestServer } from '../../testing/testServer.js';
import { escapeXml } from '../../templates/xmlText.js';

/**
 * Guests of a libvirt host (qemu:///system) whose names hold what virsh's parser or a shell
 * would read as something else — quotes, `;`, `$()`, backticks, `#`, a leading `--` — and a
 * name beyond ASCII, which the host's virsh session does not carry (a virsh of its own reads
 * it): each is defined, listed, started, read, forced off and deleted under exactly its name,
 * as virsh lists it. Names virtdeck refuses (a backslash, a newline) are refused saying why.
 */
describe('a libvirt guest with an awkward name', () => {
  let testbed: LibvirtTestbed;
  let libvirt: LibvirtHost;
  let server: TestServer;
  let sse: SseClient;
  const names = [`vdt-${process.pid} it's "q" ;$(id) \`x\` #h & <b>`, `--vdt-${process.pid}-dash`, `vdt-${process.pid}-naïve`];

  beforeAll(async () => {
    testbed = await startLibvirtTestbed();
    ({ libvirt, server, sse } = testbed);
  }, 90_000);
  afterAll(async () => {
    await testbed?.close(names);
  });

  const guestPath = (name: string) => `/api/hosts/lv/domains/${encodeURIComponent(name)}`;
  const listed = async () => (await libvirt.virsh('list', '--all', '--name')).split('\n');
  const becomes = (name: string, state: string) => sse.next<GuestSummary>('guest', (g) => g.host === 'lv' && g.name === name && g.state === state, 60_000);

  it.each(names)('round-trips %j', async (name) => {
    const xml = demoGuestXml(name, demoGuest()).replace("<memory unit='MiB'>256</memory>", "<memory unit='MiB'>72</memory>");
    const created = await server.api.post<GuestSummary>('/api/hosts/lv/domains', { xml });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name, state: 'shutoff' });
    expect(await listed()).toContain(name);
    expect((await server.api.get<GuestSummary>(guestPath(name))).body).toMatchObject({ name, state: 'shutoff', active: false });

    const started = await server.api.post<GuestSummary>(`${guestPath(name)}/start`);
    expect(started.body).toMatchObject({ name, state: 'running', active: true });
    await sse.next<HostLifecycleEvent>('lifecycle', (e) => e.host === 'lv' && e.name === name && e.event === 'started', 60_000);
    expect((await server.api.get<{ event: string }[]>(`${guestPath(name)}/events`)).body.map((e) => e.event)).toContain('started');
    expect((await server.api.get<string>(`${guestPath(name)}/xml`)).body).toContain(`<name>${escapeXml(name)}</name>`);
    expect((await libvirt.virsh('domstate', '--domain', name)).trim()).toBe('running');

    expect((await server.api.post<GuestSummary>(`${guestPath(name)}/destroy`)).body).toMatchObject({ name, state: 'shutoff' });
    await becomes(name, 'shutoff');
    expect((await server.api.delete(guestPath(name))).status).toBe(204);
    expect(await listed()).not.toContain(name);
    expect((await server.api.get(guestPath(name))).status).toBe(404);
  }, 120_000);

  it('refuses a name with a backslash or a newline, saying so', async () => {
    for (const [name, why] of [
      [`vdt-${process.pid}\\back`, "the name contains '\\'"],
      [`vdt-${process.pid}&#10;new`, 'expected a non-empty text on one line'],
    ] as const) {
      const refused = await server.api.post<ErrorBody & { diagnostics?: { message: string }[] }>('/api/hosts/lv/domains', { xml: demoGuestXml('NAME', demoGuest()).replace('<name>NAME</name>', `<name>${name}</name>`) });
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      // Said by the server's check of the name, or by the definition's diagnostics that come first.
      const said = [refused.body.message, ...(refused.body.diagnostics ?? []).map((d) => d.message)];
      expect(said.some((text) => text.includes(why)), said.join('; ')).toBe(true);
    }
    expect((await listed()).some((line) => line.startsWith(`vdt-${process.pid}`) && /back|new/.test(line))).toBe(false);
  });
});
