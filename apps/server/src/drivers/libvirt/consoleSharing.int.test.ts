import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary, HostSummary } from '../../api.js';
import { demoGuestXml } from '../../demoGuest.js';
import { adminConsole, type AdminConsole } from '../../testing/adminConsole.js';
import { openConsole, type ConsoleClient } from '../../testing/consoleClient.js';
import { demoGuest } from '../../testing/demoGuest.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../../testing/privateLibvirtd.js';
import { SseClient } from '../../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../../testing/testServer.js';
import { waitFor } from '../../testing/waitFor.js';
import { HELD_RETRY_DELAYS_MS } from './ConsoleFollower.js';

const NOTICE = '"notice":"held-elsewhere"';

/**
 * virtdeck shares a libvirt guest's serial console with the host's other clients: an admin's
 * `virsh console` (in a terminal, as a person runs it) is never kicked off, virtdeck says who
 * has the console and gets it back when the admin leaves, and takes it only when asked. On a
 * libvirtd of the test's own (privateLibvirtd.ts): a virtdeck following `qemu:///system` with
 * an older build would take this guest's console with --force.
 */
describe('the serial console of a libvirt guest beside virsh console', () => {
  const name = `vdt-${process.pid}-share`;
  const guest = demoGuest();
  let libvirtd: PrivateLibvirtd;
  let server: TestServer;
  let sse: SseClient;
  const admins: AdminConsole[] = [];
  const viewers: ConsoleClient[] = [];

  beforeAll(async () => {
    libvirtd = await startPrivateLibvirtd(6);
    server = await startTestServer({ capabilities: notProbed });
    sse = await SseClient.connect(server.url, server.token.value);
    expect((await server.api.post<HostSummary>('/api/hosts', { json: { id: 'lvs', uri: libvirtd.uri } })).status).toBe(201);
    await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'lvs' && h.state === 'connected'), 60_000);
  }, 120_000);
  afterAll(async () => {
    for (const admin of admins) await admin.leave();
    for (const viewer of viewers) viewer.close();
    sse?.close();
    await server?.dispose();
    await libvirtd?.close();
  }, 60_000);

  const admin = (force: boolean) => {
    const console = adminConsole(libvirtd.uri, name, { force });
    admins.push(console);
    return console;
  };
  const viewer = async () => {
    const console = await openConsole(server.url, server.token.value, name, 'lvs');
    viewers.push(console);
    return console;
  };
  /** A console viewer that virtdeck told the console is held elsewhere (viewers connected meanwhile are closed and reconnect, as the browser does). */
  const heldNotice = () =>
    waitFor(
      `virtdeck to say another client holds the console of ${name}`,
      async () => {
        const console = await viewer();
        const outcome = await Promise.race([console.waitFor(NOTICE, { timeoutMs: 5000 }).then(() => 'notice' as const, () => 'none' as const), console.closed.then(() => 'closed' as const)]);
        if (outcome === 'notice') return console;
        console.close();
        return undefined;
      },
      90_000,
      300,
    );
  /** A viewer whose typing reaches the guest's shell (virtdeck has the console). */
  const liveShell = (marker: string) =>
    waitFor(
      `virtdeck to have the console of ${name} again`,
      async () => {
        const console = await viewer();
        const answered = await Promise.race([
          console.run(`echo ${marker}-$((6*7))`).then(() => console.waitFor(`${marker}-42`, { timeoutMs: 10_000 })).then(() => true, () => false),
          console.closed.then(() => false),
        ]);
        if (answered && !console.text().includes(NOTICE)) return console;
        console.close();
        return undefined;
      },
      120_000,
      300,
    );

  it('follows the console, leaves it to a virsh console --force and gets it back when that ends', async () => {
    expect((await server.api.post('/api/hosts/lvs/domains', { xml: demoGuestXml(name, guest) })).status).toBe(201);
    expect((await server.api.post<GuestSummary>(`/api/hosts/lvs/domains/${name}/start`)).body.state).toBe('running');
    const first = await viewer();
    await first.waitFor(guest.readyMarker, { timeoutMs: 120_000 });
    await first.run('echo virtdeck-$((6*7))');
    await first.waitFor('virtdeck-42');

    // The admin takes the console; virtdeck's viewer is told it ended, and a new one hears who has it.
    const taker = admin(true);
    await taker.waitFor('Escape character is');
    await first.closed;
    const held = await heldNotice();
    expect(held.text()).toContain("is not in virtdeck's log");
    // What virtdeck saw is still replayed to the viewer.
    expect(held.text()).toContain(guest.readyMarker);
    taker.type('echo admin-$((6*7))\r');
    await taker.waitFor('admin-42');

    // virtdeck asks again and again without --force meanwhile, and the admin keeps the console: past
    // every quiet retry of virtdeck's backoff the admin's virsh still runs and its shell still answers.
    const retries = HELD_RETRY_DELAYS_MS.slice(0, 3).reduce((sum, ms) => sum + ms, 0) + 2000;
    await new Promise((resolve) => setTimeout(resolve, retries));
    expect(taker.running).toBe(true);
    expect(taker.text()).not.toMatch(/error:/);
    const from = taker.text().length;
    taker.type('echo still-$((6*7))\r');
    await taker.waitFor('still-42', { from });
    expect(held.text()).toContain(NOTICE);

    // The admin leaves: the waiting viewer is closed so it reconnects, and virtdeck has the console again.
    await taker.leave();
    expect((await held.closed).reason).toMatch(/virtdeck has the serial console again/);
    await liveShell('back');
    // What the admin saw meanwhile is not in virtdeck's log; the boot it saw itself is.
    const log = await viewer();
    await log.waitFor(guest.readyMarker, { timeoutMs: 30_000 });
    expect(log.text()).not.toContain('admin-42');
  }, 400_000);

  it("takes the console over from another client only when asked, origin checked", async () => {
    const other = admin(true);
    await other.waitFor('Escape character is');
    await heldNotice();

    const foreign = await fetch(new URL(`/api/hosts/lvs/domains/${name}/console/take-over`, server.url), {
      method: 'POST',
      headers: { Cookie: `virtdeck_token=${server.token.value}`, Origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(other.running).toBe(true);

    expect((await server.api.post(`/api/hosts/lvs/domains/${name}/console/take-over`)).status).toBe(204);
    await other.ended;
    expect(other.text()).toMatch(/error:/);
    await liveShell('taken');
  }, 300_000);
});
