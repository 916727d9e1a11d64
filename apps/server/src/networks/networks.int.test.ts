/**
 * A guest on libvirt's `default` network, as virt-manager defines one: it gets a DHCP lease in
 * the network's range and reaches a web server on the host's 127.0.0.1 through the network's
 * host address (192.168.122.1), with user-mode networking and no privileges. While it runs the
 * network cannot be deleted; a network that does not exist stops a start with its name.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { USER_NETWORK_XML } from '../templates/xmlText.js';

const guest = demoGuest();
// the demo guest's NIC (user-mode networking) becomes virt-manager's default one
const onNetwork = (name: string, network: string) =>
  demoGuestXml(name, guest).replace(USER_NETWORK_XML, `    <interface type='network'>\n      <source network='${network}'/>\n      <model type='virtio'/>\n    </interface>`);

describe("a guest on the 'default' network", () => {
  let server: TestServer;
  let web: http.Server;
  let port: number;

  beforeAll(async () => {
    web = http.createServer((req, res) => res.end(`hello from the host, you asked for ${req.url ?? ''}\n`));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    port = (web.address() as AddressInfo).port;
    server = await startTestServer({ demoGuest: guest, capabilities: probeCapabilities });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
    await new Promise((resolve) => web.close(resolve));
  });

  it('gets a DHCP lease and fetches a page from a server on the host', async () => {
    expect((await server.api.post('/api/domains', { xml: onNetwork('netguest', 'default') })).status).toBe(201);
    const argv = await server.api.get<{ line: string }>('/api/domains/netguest/argv');
    expect(argv.body.line).toContain('"type":"user","net":"192.168.122.0/24","host":"192.168.122.1","dhcpstart":"192.168.122.2"');
    expect((await server.api.post('/api/domains/netguest/start')).status).toBe(200);
    const console = await openConsole(server.url, server.token.value, 'netguest');
    try {
      await console.waitFor(guest.readyMarker);
      // init's udhcpc runs in the background: wait for the lease it writes, then show it
      await console.run('while ! ip -4 addr show eth0 | grep -q inet; do sleep 0.2; done; ip -4 addr show eth0; ip route; echo lease-$((6*7))');
      // the shell prints the answer computed, not the command echoed back
      await console.waitFor('lease-42', { timeoutMs: 30_000 });
      expect(console.text()).toMatch(/inet 192\.168\.122\.2\/24/);
      expect(console.text()).toMatch(/default via 192\.168\.122\.1 dev eth0/);
      await console.run(`wget -q -O - http://192.168.122.1:${port}/from-the-guest; echo fetch-$((6*7))`);
      await console.waitFor('fetch-42', { timeoutMs: 30_000 });
      expect(console.text()).toContain('hello from the host, you asked for /from-the-guest');

      const refused = await server.api.delete<ErrorBody>('/api/networks/default');
      expect(refused.status).toBe(409);
      expect(refused.body.message).toBe("The network 'default' is in use by the running guest 'netguest': stop it first");
      expect((await server.api.get<{ usedBy: string[] }[]>('/api/networks')).body[0]?.usedBy).toEqual(['netguest']);
    } finally {
      console.close();
      await server.api.post('/api/domains/netguest/destroy');
    }
  });

  it('refuses to start on a network that is not defined, naming it', async () => {
    expect((await server.api.post('/api/domains', { xml: onNetwork('lost', 'nowhere') })).status).toBe(201);
    const started = await server.api.post<ErrorBody>('/api/domains/lost/start');
    expect(started.status).toBe(422);
    expect(started.body.message).toBe("'lost' cannot be started on this host: There is no network 'nowhere'; defined: default.");
    expect(started.body.diagnostics?.[0]).toMatchObject({ scope: 'host', code: 'network-unknown', range: { start: { line: expect.any(Number) as number } } });
  });
});
