import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary, LifecycleEvent, SnapshotSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { openConsole, type ConsoleClient } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();

let commands = 0;
/** The marker the shell prints after the last command (computed, so the echo of the command line never matches). */
const marker = (n: number) => `=${n * 7}=`;

/** Runs `command` in the guest's shell and checks what it printed before the next marker. */
async function shell(console: ConsoleClient, command: string, expected: string): Promise<void> {
  const n = ++commands;
  const from = console.text().length;
  await console.run(`${command}; echo "=$((${n}*7))="`);
  await console.waitFor(marker(n), { from });
  const output = console.text().slice(from);
  expect(output.slice(0, output.lastIndexOf(marker(n)))).toContain(expected);
}

describe('snapshots of a running guest (QMP snapshot-save / snapshot-load jobs)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest, capabilities: probeCapabilities });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  it('keeps the memory: a file in the guest\'s RAM is back as it was after a revert, live and from shut off', async () => {
    const disk = path.join(server.stateDir, 'images', 'warm.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
    const xml = demoGuestXml('warm', guest).replace(
      '  </devices>',
      `    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='${disk}'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n  </devices>`,
    );
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    expect((await server.api.post<GuestSummary>('/api/domains/warm/start')).body.state).toBe('running');
    let console = await openConsole(server.url, server.token.value, 'warm');
    await console.waitFor(guest.readyMarker);

    await shell(console, 'echo snapshot-time > /tmp/f', '');
    const taken = await server.api.post<SnapshotSummary>('/api/domains/warm/snapshots', { json: { name: 'warm-1', description: 'with /tmp/f' } });
    expect(taken).toMatchObject({ status: 201, body: { name: 'warm-1', state: 'running', memory: true, current: true, disks: ['vda'] } });
    expect((await server.api.get<GuestSummary>('/api/domains/warm')).body.state).toBe('running');
    // QEMU paused the guest to save it and let it run again.
    const events = (await server.api.get<LifecycleEvent[]>('/api/domains/warm/events')).body.map((e) => e.event);
    expect(events.slice(-2)).toEqual(['suspended', 'resumed']);
    const tags = execFileSync('qemu-img', ['snapshot', '-U', '-l', disk], { encoding: 'utf8' });
    expect(tags).toMatch(/warm-1\s+\d+(\.\d+)? [KMG]?i?B/);

    await shell(console, 'echo changed-later > /tmp/f; cat /tmp/f', 'changed-later');
    const reverted = await server.api.post<GuestSummary>('/api/domains/warm/snapshots/warm-1/revert');
    expect(reverted).toMatchObject({ status: 200, body: { state: 'running' } });
    await shell(console, 'cat /tmp/f', 'snapshot-time');

    // Shut off, the guest is started from the snapshot's memory rather than booted.
    await server.api.post('/api/domains/warm/destroy');
    console.close();
    expect((await server.api.post<GuestSummary>('/api/domains/warm/snapshots/warm-1/revert')).body.state).toBe('running');
    console = await openConsole(server.url, server.token.value, 'warm');
    // The scrollback (the last marker is in it) first, so what follows is the guest's answer only.
    await console.waitFor(marker(commands));
    await shell(console, 'cat /tmp/f', 'snapshot-time');

    // A running guest's snapshot is deleted from its image by QEMU.
    expect((await server.api.delete('/api/domains/warm/snapshots/warm-1')).status).toBe(204);
    expect(execFileSync('qemu-img', ['snapshot', '-U', '-l', disk], { encoding: 'utf8' })).not.toContain('warm-1');
    console.close();
    await server.api.post('/api/domains/warm/destroy');
  });
});
