/**
 * Guests on a host bridge, as libvirt attaches them: the server (root) makes a tap owned by
 * QEMU's user, puts it in the bridge and QEMU opens it by name. The demo guest, with a static
 * address on the bridge's subnet, fetches a page from a web server on the bridge's own address;
 * the tap goes with the guest (destroyed, QEMU killed, or found gone by a restarted server), a
 * hot-plugged NIC gets a tap of its own that goes when it is detached, a network with
 * <forward mode='bridge'> works the same, and a bridge that does not exist is a refusal that
 * names it. Needs root (a bridge is made for the test, 10.77.0.1/24, and removed after).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { openConsole, type ConsoleClient } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { spawnServer, type ServerProcess } from '../testing/serverProcess.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';
import { USER_NETWORK_XML } from '../templates/xmlText.js';

const run = promisify(execFile);
const guest = demoGuest();
const BRIDGE = 'vdtest-br0';
const root = process.getuid?.() === 0;

/** The names of the devices in the bridge (`ip -j link show master BR`). */
async function ports(bridge = BRIDGE): Promise<Array<{ ifname: string; address: string }>> {
  const { stdout } = await run('ip', ['-j', 'link', 'show', 'master', bridge]);
  return JSON.parse(stdout || '[]') as Array<{ ifname: string; address: string }>;
}
const exists = (name: string) => existsSync(`/sys/class/net/${name}`);

// The demo guest's NIC (user-mode networking) becomes one on the bridge, with empty PCIe ports for hot-plugs.
const withNic = (name: string, nic: string) =>
  demoGuestXml(name, guest).replace(USER_NETWORK_XML, `${nic}\n${Array.from({ length: 4 }, (_, i) => `    <controller type='pci' index='${i + 1}' model='pcie-root-port'/>`).join('\n')}`);
const onBridge = (name: string, mac: string, bridge = BRIDGE) => withNic(name, `    <interface type='bridge'>\n      <mac address='${mac}'/>\n      <source bridge='${bridge}'/>\n      <model type='virtio'/>\n    </interface>`);

describe.skipIf(!root)('guests on a host bridge (taps made by the server)', () => {
  let server: TestServer;
  let web: http.Server;
  let port: number;

  beforeAll(async () => {
    // A bridge left by an interrupted run goes first.
    if (exists(BRIDGE)) execFileSync('ip', ['link', 'del', 'dev', BRIDGE]);
    execFileSync('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    execFileSync('ip', ['addr', 'add', '10.77.0.1/24', 'dev', BRIDGE]);
    execFileSync('ip', ['link', 'set', BRIDGE, 'up']);
    web = http.createServer((req, res) => res.end(`hello over the bridge, you asked for ${req.url ?? ''}\n`));
    await new Promise<void>((resolve) => web.listen(0, '10.77.0.1', resolve));
    port = (web.address() as AddressInfo).port;
    server = await startTestServer({ demoGuest: guest, capabilities: probeCapabilities });
  });
  afterAll(async () => {
    await Promise.allSettled(server.guests.list().filter((g) => g.pid).map((g) => server.guests.destroy(g.name)));
    killProcessesMentioning(server.stateDir);
    await server.dispose();
    await new Promise((resolve) => web.close(resolve));
    execFileSync('ip', ['link', 'del', 'dev', BRIDGE]);
  });

  /** Boots the guest, gives eth0 a static address and fetches a page from the host over the bridge. */
  async function fetchOverBridge(name: string, address: string): Promise<ConsoleClient> {
    const console = await openConsole(server.url, server.token.value, name);
    await console.waitFor(guest.readyMarker, { timeoutMs: 90_000 });
    // No DHCP on this bridge: init's udhcpc stops, the address is set by hand (busybox ip).
    await console.run(`killall udhcpc 2>/dev/null; ip addr add ${address}/24 dev eth0; ip link set eth0 up; echo up-$((6*7))`);
    await console.waitFor('up-42', { timeoutMs: 30_000 });
    const from = console.text().length;
    // The new port may take a moment to forward: the host's address is pinged until it answers.
    await console.run(`for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 10.77.0.1 >/dev/null 2>&1 && break; done; wget -q -O - http://10.77.0.1:${port}/from-${name}; echo fetched-$((6*7))`);
    await console.waitFor('fetched-42', { from, timeoutMs: 60_000 });
    expect(console.text().slice(from)).toContain(`hello over the bridge, you asked for /from-${name}`);
    return console;
  }

  it('attaches a tap to the bridge, reaches the host over it, and removes the tap with the guest', async () => {
    expect((await server.api.post('/api/domains', { xml: onBridge('bridged', '52:54:00:77:00:02') })).status).toBe(201);
    const argv = await server.api.get<{ line: string }>('/api/domains/bridged/argv');
    expect(argv.body.line).toMatch(/"type":"tap","ifname":"vd[0-9a-f]{8}0","script":"no","downscript":"no","id":"hostnet0"/);
    const started = await server.api.post<GuestSummary & ErrorBody>('/api/domains/bridged/start');
    expect(started.status, started.body.message).toBe(200);
    const [tap, ...others] = await ports();
    expect(others).toEqual([]);
    expect(tap?.ifname).toMatch(/^vd[0-9a-f]{8}0$/);
    const ifname = tap!.ifname;
    // libvirt's tap MAC: the guest's with 0xFE first, so the bridge never takes the guest's as its own
    expect(tap?.address).toBe('fe:54:00:77:00:02');
    // persistent, owned by the user QEMU runs as
    const details = execFileSync('ip', ['-d', 'link', 'show', 'dev', ifname], { encoding: 'utf8' });
    expect(details).toMatch(/tun type tap .*persist on user virtdeck-qemu/);
    expect(readFileSync(`/sys/class/net/${ifname}/mtu`, 'utf8').trim()).toBe(readFileSync(`/sys/class/net/${BRIDGE}/mtu`, 'utf8').trim());

    const console = await fetchOverBridge('bridged', '10.77.0.2');
    try {
      // A NIC plugged in while it runs gets a tap of its own, which goes when it is detached.
      const nic = `<interface type='bridge'><mac address='52:54:00:77:00:03'/><source bridge='${BRIDGE}'/><model type='virtio'/></interface>`;
      const attached = await server.api.post<GuestSummary & ErrorBody>('/api/domains/bridged/devices', { json: { xml: nic, live: true } });
      expect(attached.status, attached.body.message).toBe(200);
      const second = (await ports()).find((p) => p.address === 'fe:54:00:77:00:03');
      expect(second?.ifname).toBe(ifname.replace(/0$/, '1'));
      const detached = await server.api.delete<GuestSummary & ErrorBody>('/api/domains/bridged/devices?mac=52:54:00:77:00:03&live=1');
      expect(detached.status, detached.body.message).toBe(200);
      expect(exists(second!.ifname)).toBe(false);
      expect((await ports()).map((p) => p.ifname)).toEqual([ifname]);
    } finally {
      console.close();
    }

    expect((await server.api.post('/api/domains/bridged/destroy')).status).toBe(200);
    await waitFor(`the tap ${ifname} gone`, () => (exists(ifname) ? undefined : true), 10_000);
    expect(await ports()).toEqual([]);
  });

  it("runs a network with <forward mode='bridge'> on the bridge, and the tap goes when QEMU dies", async () => {
    const network = `<network>\n  <name>hostbridge</name>\n  <forward mode='bridge'/>\n  <bridge name='${BRIDGE}'/>\n</network>\n`;
    const defined = await server.api.post<ErrorBody>('/api/networks', { xml: network });
    expect(defined.status, defined.body.message).toBe(201);
    const nic = `    <interface type='network'>\n      <mac address='52:54:00:77:00:04'/>\n      <source network='hostbridge'/>\n      <model type='virtio'/>\n    </interface>`;
    expect((await server.api.post('/api/domains', { xml: withNic('forwarded', nic) })).status).toBe(201);
    const started = await server.api.post<GuestSummary & ErrorBody>('/api/domains/forwarded/start');
    expect(started.status, started.body.message).toBe(200);
    const [tap] = await ports();
    expect(tap?.address).toBe('fe:54:00:77:00:04');
    const console = await fetchOverBridge('forwarded', '10.77.0.4');
    console.close();

    // QEMU killed behind the server's back: the guest's end (crashed) removes the tap too.
    process.kill(started.body.pid!, 'SIGKILL');
    await waitFor('the guest shut off', async () => ((await server.api.get<GuestSummary>('/api/domains/forwarded')).body.state === 'shutoff' ? true : undefined), 30_000);
    await waitFor(`the tap ${tap!.ifname} gone`, () => (exists(tap!.ifname) ? undefined : true), 10_000);
  });

  it('keeps the tap of a guest that outlives the server, and removes that of one found gone after a restart', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-bridge-restart-'));
    let other: ServerProcess | undefined = await spawnServer({ stateDir });
    try {
      for (const [name, mac] of [['kept', '52:54:00:77:00:06'], ['lost', '52:54:00:77:00:07']] as const) {
        expect((await other.api.post('/api/domains', { xml: onBridge(name, mac) })).status).toBe(201);
        const started = await other.api.post<ErrorBody>(`/api/domains/${name}/start`);
        expect(started.status, started.body.message).toBe(200);
      }
      const taps = new Map((await ports()).map((p) => [p.address, p.ifname]));
      const kept = taps.get('fe:54:00:77:00:06')!;
      const lost = taps.get('fe:54:00:77:00:07')!;
      expect([kept, lost].every((name) => name?.startsWith('vd'))).toBe(true);
      const lostPid = (await other.api.get<GuestSummary>('/api/domains/lost')).body.pid!;

      other.child.kill('SIGKILL');
      await other.exited;
      other = undefined;
      // While no server runs, one QEMU dies: its tap stays until a server finds out.
      process.kill(lostPid, 'SIGKILL');
      await waitFor('QEMU gone', () => (existsSync(`/proc/${lostPid}`) ? undefined : true), 10_000);
      expect(exists(lost)).toBe(true);

      other = await spawnServer({ stateDir });
      expect((await other.api.get<GuestSummary>('/api/domains/lost')).body.state).toBe('shutoff');
      await waitFor(`the tap ${lost} gone`, () => (exists(lost) ? undefined : true), 10_000);
      expect((await other.api.get<GuestSummary>('/api/domains/kept')).body.state).toBe('running');
      expect((await ports()).map((p) => p.ifname)).toEqual([kept]);
      expect((await other.api.post('/api/domains/kept/destroy')).status).toBe(200);
      await waitFor(`the tap ${kept} gone`, () => (exists(kept) ? undefined : true), 10_000);
    } finally {
      other?.child.kill('SIGKILL');
      killProcessesMentioning(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('refuses a bridge that does not exist, naming it, and leaves no tap', async () => {
    expect((await server.api.post('/api/domains', { xml: onBridge('nobridge', '52:54:00:77:00:05', 'vdtest-none') })).status).toBe(201);
    const started = await server.api.post<ErrorBody>('/api/domains/nobridge/start');
    expect(started.status).toBe(422);
    expect(started.body.message).toBe("'nobridge' cannot be started on this host: There is no bridge 'vdtest-none' on this host: create it, or use a NAT network.");
    expect(started.body.diagnostics?.[0]).toMatchObject({ scope: 'host', code: 'host-bridge-missing' });
    expect(await ports()).toEqual([]);
  });
});
