import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestRemoval, GuestSummary, HostSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../testing/privateLibvirtd.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

/**
 * Live migration between two libvirt hosts, for real: two libvirtd daemons on this machine
 * that libvirt takes for two hosts (each its own host name, host UUID, configuration and
 * state: privateLibvirtd.ts), added to a real virtdeck server as a user would. A guest
 * started on the first moves to the second through virtdeck's API while its shell keeps what
 * was typed into it, and back with virsh from outside.
 */
describe('live migration between two libvirt hosts', () => {
  const name = `vdt-${process.pid}-live`;
  const marker = `kept-${process.pid}-${Date.now()}`;
  let first: PrivateLibvirtd;
  let second: PrivateLibvirtd;
  let server: TestServer;
  let sse: SseClient;

  beforeAll(async () => {
    first = await startPrivateLibvirtd(2);
    second = await startPrivateLibvirtd(3);
    server = await startTestServer({ capabilities: notProbed });
    sse = await SseClient.connect(server.url, server.token.value);
  }, 120_000);
  afterAll(async () => {
    sse?.close();
    await server?.dispose();
    await second?.close();
    await first?.close();
  }, 60_000);

  const connected = (ids: string[]) => (list: HostSummary[]) => ids.every((id) => list.some((h) => h.id === id && h.state === 'connected'));
  const move = (host: string, to: string) => server.api.post<GuestSummary & ErrorBody>(`/api/hosts/${host}/domains/${name}/move`, { json: { to, live: true } });

  it('moves a running guest from one libvirtd to the other, the same guest running on, and the list follows it', async () => {
    for (const [id, uri] of [
      ['lva', first.uri],
      ['lvb', second.uri],
    ] as const) {
      expect((await server.api.post<HostSummary>('/api/hosts', { json: { id, uri } })).status).toBe(201);
    }
    await sse.next<HostSummary[]>('hosts', connected(['lva', 'lvb']), 60_000);

    const defined = await server.api.post<GuestSummary>('/api/hosts/lva/domains', { xml: demoGuestXml(name, demoGuest()) });
    expect(defined.status).toBe(201);

    // A shut-off guest is not migrated live: the refusal says what to do instead.
    const off = await move('lva', 'lvb');
    expect(off.status).toBe(409);
    expect(off.body.message).toMatch(/is shutoff: live migration moves a running guest/);

    expect((await server.api.post<GuestSummary>(`/api/hosts/lva/domains/${name}/start`)).status).toBe(200);
    const before = await openConsole(server.url, server.token.value, name, 'lva');
    try {
      await before.waitFor(demoGuest().readyMarker, { timeoutMs: 120_000 });
      // A value only this shell holds: read back after the move, it is the same guest, not a new boot.
      await before.run(`MARK=${marker}; echo "set-$MARK"`);
      await before.waitFor(`set-${marker}`);
    } finally {
      before.close();
    }

    const moved = await move('lva', 'lvb');
    expect(moved.status, moved.body.message).toBe(200);
    expect(moved.body).toMatchObject({ host: 'lvb', name, state: 'running' });

    // libvirt's own word on both hosts: running on the second, no longer defined on the first.
    expect((await second.virsh('domstate', name)).trim()).toBe('running');
    await expect(first.virsh('domstate', name)).rejects.toThrow(/failed to get domain|Domain not found/);
    expect(await second.virsh('dumpxml', name, '--inactive')).toContain(`<name>${name}</name>`);

    // The event stream and the list show it on the second host, without a reload.
    await sse.next<GuestSummary>('guest', (g) => g.host === 'lvb' && g.name === name && g.state === 'running');
    const left = await sse.next<GuestRemoval>('removed', (r) => r.host === 'lva' && r.name === name);
    // A page open on it on the first host follows it to the second.
    expect(left.data).toEqual({ host: 'lva', name, movedTo: 'lvb' });
    const list = (await server.api.get<GuestSummary[]>('/api/domains')).body.filter((g) => g.name === name);
    expect(list).toEqual([expect.objectContaining({ host: 'lvb', state: 'running' })]);

    // Its console on the second host is the same shell, with the value typed before the move.
    const after = await openConsole(server.url, server.token.value, name, 'lvb');
    try {
      await after.run('echo "still-$MARK"');
      await after.waitFor(`still-${marker}`);
    } finally {
      after.close();
    }

    // And back with virsh from outside, as someone beside virtdeck would: the list follows that too.
    await second.virsh('migrate', '--live', '--p2p', '--persistent', '--undefinesource', name, first.uri);
    // Only what came after it left the first host: that host's earlier messages were of its start.
    await sse.next<GuestSummary>('guest', (g) => g.host === 'lva' && g.name === name && g.state === 'running', 30_000, left);
    // virtdeck did not move it, so the second host's removal cannot say where it went.
    expect((await sse.next<GuestRemoval>('removed', (r) => r.host === 'lvb' && r.name === name, 30_000, left)).data).toEqual({ host: 'lvb', name });
    expect((await server.api.get<GuestSummary[]>('/api/domains')).body.filter((g) => g.name === name)).toEqual([expect.objectContaining({ host: 'lva', state: 'running' })]);
  }, 300_000);

  it('leaves the guest running where it is when libvirt refuses the migration, and says why', async () => {
    // The first libvirtd under a second URI: the same host to libvirt, which refuses.
    expect((await server.api.post<HostSummary>('/api/hosts', { json: { id: 'lva-again', uri: `${first.uri}&mode=direct` } })).status).toBe(201);
    await sse.next<HostSummary[]>('hosts', connected(['lva', 'lva-again']), 60_000);

    const refused = await move('lva', 'lva-again');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/lva-again .* lists '.*' with the same UUID: it is the libvirtd of lva itself/);
    expect((await first.virsh('domstate', name)).trim()).toBe('running');
    expect((await server.api.get<GuestSummary>(`/api/hosts/lva/domains/${name}`)).body).toMatchObject({ host: 'lva', state: 'running' });

    // The second host lacks the guest's kernel: QEMU cannot start there, libvirt gives up and the guest runs on where it was.
    await second.hide(path.dirname(demoGuest().kernel));
    const failed = await move('lva', 'lvb');
    expect(failed.status).toBe(502);
    expect(failed.body.message).toContain(`libvirt did not migrate '${name}' from lva to lvb: `);
    expect(failed.body.message).toContain(demoGuest().kernel);
    expect(failed.body.message).toMatch(new RegExp(`'${name}' is still running on lva$`));
    expect((await first.virsh('domstate', name)).trim()).toBe('running');
    await expect(second.virsh('domstate', name)).rejects.toThrow(/failed to get domain|Domain not found/);
    const listed = (await server.api.get<GuestSummary[]>('/api/domains')).body.filter((g) => g.name === name && g.host !== 'lva-again');
    expect(listed).toEqual([expect.objectContaining({ host: 'lva', state: 'running' })]);

    // A host that cannot be reached is refused before libvirt is asked.
    expect((await server.api.post<HostSummary>('/api/hosts', { json: { id: 'gone', uri: 'qemu+unix:///system?socket=/nonexistent/libvirt-sock' } })).status).toBe(201);
    await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'gone' && h.state === 'lost'), 60_000);
    const lost = await move('lva', 'gone');
    expect(lost.status).toBe(503);
    expect(lost.body.message).toMatch(/gone .*cannot be reached/);
    expect((await first.virsh('domstate', name)).trim()).toBe('running');
  }, 120_000);
});
