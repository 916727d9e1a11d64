import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary, LifecycleEvent, StatsEvent } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning, processesMentioning } from '../testing/processes.js';
import { SseClient } from '../testing/sseClient.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';

const run = promisify(execFile);
const guest = demoGuest();
const LOG_LIMIT = 32 * 1024;

/** The demo guest with other lifecycle actions. */
const guestXml = (name: string, actions: { onPoweroff?: string; onReboot?: string } = {}) =>
  demoGuestXml(name, guest)
    .replace('<on_poweroff>destroy</on_poweroff>', `<on_poweroff>${actions.onPoweroff ?? 'destroy'}</on_poweroff>`)
    .replace('<on_reboot>restart</on_reboot>', `<on_reboot>${actions.onReboot ?? 'restart'}</on_reboot>`);

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('guest lifecycle with the real demo guest under TCG', () => {
  let server: TestServer;
  let sse: SseClient;

  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest, guestOptions: { serialLogMaxBytes: LOG_LIMIT } });
    sse = await SseClient.connect(server.url, server.token.value);
  });
  afterAll(async () => {
    sse.close();
    await Promise.allSettled(server.guests.list().filter((g) => g.pid).map((g) => server.guests.destroy(g.name)));
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  const define = async (xml: string) => expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
  const act = (name: string, action: string, json?: unknown) =>
    server.api.post<GuestSummary & ErrorBody>(`/api/domains/${name}/${action}`, json === undefined ? undefined : { json });
  const stateOf = (name: string, state: string, reason?: string) =>
    sse.next<GuestSummary>('guest', (g) => g.name === name && g.state === state && (reason === undefined || g.reason === reason), 60_000);
  const eventsOf = async (name: string) => (await server.api.get<LifecycleEvent[]>(`/api/domains/${name}/events`)).body.map((e) => e.event);
  const booted = async (name: string, times = 1) => {
    const console = await openConsole(server.url, server.token.value, name);
    await waitFor(`boot ${times} of ${name}`, () => (count(console.text(), guest.readyMarker) >= times ? true : undefined), 90_000);
    return console;
  };

  it('starts, shows its console to several viewers, reports stats, and powers off on ACPI', async () => {
    const image = path.join(server.stateDir, 'acpi.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
    const disk = `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${image}'/><target dev='vda' bus='virtio'/></disk>`;
    await define(guestXml('acpi').replace('<devices>', `<devices>\n    ${disk}`));
    const started = await act('acpi', 'start');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ state: 'running', reason: 'booted', pendingChanges: false });
    const pid = started.body.pid!;

    const first = await booted('acpi');
    await first.run('echo hello-$((6*7))');
    await first.waitFor('hello-42');
    const second = await openConsole(server.url, server.token.value, 'acpi');
    // The newcomer gets the scrollback first: boot output and what the first viewer typed.
    await second.waitFor('hello-42');
    expect(second.text()).toContain(guest.readyMarker);
    second.type('echo from-second-$((2+3))\n');
    await first.waitFor('from-second-5');

    // A sample taken after the kernel read the partition table of its virtio disk.
    const stats = await sse.next<StatsEvent>('stats', (s) => (s.guests.acpi?.block[0]?.rdOps ?? 0) > 0);
    const sample = stats.data.guests.acpi!;
    expect(sample.memory.balloonKiB).toBe(256 * 1024);
    expect(sample.memory.rssKiB).toBeGreaterThan(10_000);
    expect(sample.netUnavailable?.[0]?.reason).toBe('user-mode');
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sample.cpuTimeNs).toBeGreaterThan(0);
    expect(sample.block).toEqual([expect.objectContaining({ device: 'virtio-disk0' })]);
    expect(sample.block[0]?.rdBytes).toBeGreaterThan(0);
    expect(sample.block[0]?.rdOps).toBeGreaterThan(0);

    // A definition edited while running applies at the next start; both can be read.
    const redefined = await server.api.put<GuestSummary>('/api/domains/acpi/xml', { xml: guestXml('acpi').replace("<vcpu placement='static'>1", "<vcpu placement='static'>2") });
    expect(redefined.body).toMatchObject({ state: 'running', pendingChanges: true, vcpus: 1 });
    expect((await server.api.get<string>('/api/domains/acpi/xml?running=1')).body).toContain("<vcpu placement='static'>1</vcpu>");
    expect((await server.api.get<string>('/api/domains/acpi/xml')).body).toContain("<vcpu placement='static'>2</vcpu>");

    const asked = await act('acpi', 'shutdown');
    expect(asked.body).toMatchObject({ state: 'shutdown', reason: 'user' });
    await stateOf('acpi', 'shutoff', 'shutdown');
    expect(await first.closed).toMatchObject({ code: 4409 });
    expect(processesMentioning(`run/acpi/`)).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await eventsOf('acpi')).toEqual(expect.arrayContaining(['started', 'shutdown-requested', 'powered-off', 'stopped']));

    const again = await act('acpi', 'start');
    expect(again.body).toMatchObject({ state: 'running', vcpus: 2, pendingChanges: false });
    expect((await server.api.get<string>('/api/domains/acpi/xml?running=1')).body).toContain("<vcpu placement='static'>2</vcpu>");
    await act('acpi', 'destroy');
  });

  it('reboots by ACPI, resets, pauses and resumes', async () => {
    await define(guestXml('cycle'));
    await act('cycle', 'start');
    const console = await booted('cycle');

    expect((await act('cycle', 'reboot')).body.state).toBe('running');
    await waitFor('the reboot', () => (count(console.text(), guest.readyMarker) >= 2 ? true : undefined), 90_000);
    // One line for the reboot: its power-off, pause, reset and resume are the restart's own.
    const events = await eventsOf('cycle');
    expect(events.slice(events.indexOf('reboot-requested'))).toEqual(['reboot-requested']);

    await act('cycle', 'reset');
    await waitFor('the reset', () => (count(console.text(), guest.readyMarker) >= 3 ? true : undefined), 90_000);
    expect(server.guests.get('cycle')).toMatchObject({ state: 'running', reason: 'reset' });

    expect((await act('cycle', 'suspend')).body).toMatchObject({ state: 'paused', reason: 'user' });
    expect((await act('cycle', 'suspend')).status).toBe(409);
    expect((await act('cycle', 'resume')).body).toMatchObject({ state: 'running', reason: 'user' });
    expect((await act('cycle', 'destroy')).body).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
  });

  it('honours on_poweroff and on_reboot, and forces off a guest that ignores the power button', async () => {
    await define(guestXml('restarts', { onPoweroff: 'restart' }));
    await define(guestXml('preserves', { onPoweroff: 'preserve' }));
    await define(guestXml('noreboot', { onReboot: 'destroy' }));
    await define(guestXml('stubborn'));
    await Promise.all(['restarts', 'preserves', 'noreboot', 'stubborn'].map((name) => act(name, 'start')));
    const [restarts, preserves, noreboot, stubborn] = await Promise.all(['restarts', 'preserves', 'noreboot', 'stubborn'].map((name) => booted(name)));

    // Without acpid nothing in the guest answers the power button.
    await stubborn!.run('killall acpid; echo acpid-$((40+2))');
    await stubborn!.waitFor('acpid-42');

    await act('restarts', 'shutdown');
    await act('preserves', 'shutdown');
    await noreboot!.run('reboot -f');
    const escalated = await act('stubborn', 'shutdown', { escalateAfterMs: 1500 });
    expect(escalated.body).toMatchObject({ state: 'shutdown', reason: 'user' });

    await waitFor('the restart', () => (count(restarts!.text(), guest.readyMarker) >= 2 ? true : undefined), 90_000);
    // (SeaBIOS resets the machine once more right after the restart: that is not a reboot.)
    expect(server.guests.get('restarts')).toMatchObject({ state: 'running', reason: 'booted' });
    expect(await eventsOf('restarts')).toEqual(expect.arrayContaining(['powered-off', 'restarted']));

    await stateOf('preserves', 'shutdown', 'shutdown');
    const kept = server.guests.get('preserves');
    expect(kept.pid).toBeGreaterThan(0);
    expect(processesMentioning('run/preserves/')).toHaveLength(1);
    expect((await act('preserves', 'destroy')).body).toMatchObject({ state: 'shutoff', reason: 'destroyed' });

    await stateOf('noreboot', 'shutoff', 'shutdown');
    await stateOf('stubborn', 'shutoff', 'destroyed');
    expect(await eventsOf('stubborn')).toEqual(expect.arrayContaining(['shutdown-requested', 'stopped']));
    await act('restarts', 'destroy');
    for (const console of [restarts, preserves, noreboot, stubborn]) console?.close();
    expect(processesMentioning(server.stateDir)).toEqual([]);
  });

  it('rotates the serial log of a chatty guest so it cannot fill the disk', async () => {
    await define(guestXml('chatty'));
    await act('chatty', 'start');
    const console = await booted('chatty');
    await console.run('i=0; while [ $i -lt 2500 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; echo DONE-$((20+3))');
    await console.waitFor('DONE-23', { timeoutMs: 90_000 });
    const log = path.join(server.stateDir, 'run', 'chatty', 'serial.log');
    await waitFor('the log to be written', async () => ((await readFile(log, 'utf8')).includes('DONE-23') ? true : undefined));
    expect((await stat(log)).size).toBeLessThanOrEqual(LOG_LIMIT);
    expect((await stat(`${log}.1`)).size).toBe(LOG_LIMIT);
    // A new viewer gets the last 64 KiB, ending where the guest is now.
    const late = await openConsole(server.url, server.token.value, 'chatty');
    await late.waitFor('DONE-23');
    expect(Buffer.byteLength(late.text())).toBeLessThanOrEqual(64 * 1024);
    expect(late.text()).toContain('line-2499-');
    await act('chatty', 'destroy');
  });

  it('starts autostart guests when the server starts', async () => {
    await define(guestXml('auto'));
    expect((await server.api.put<GuestSummary>('/api/domains/auto/autostart', { json: { autostart: true } })).body.autostart).toBe(true);
    const stateDir = server.stateDir;
    sse.close();
    await server.close();
    server = await startTestServer({ stateDir, demoGuest: guest, guestOptions: { serialLogMaxBytes: LOG_LIMIT } });
    sse = await SseClient.connect(server.url, server.token.value);
    await server.autostarted;
    expect(server.guests.get('auto')).toMatchObject({ state: 'running', reason: 'booted', autostart: true });
    await act('auto', 'destroy');
  });
});
