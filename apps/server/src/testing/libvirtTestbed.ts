import type { HostSummary } from '../api.js';
import { startLibvirtHost, type LibvirtHost } from './libvirtHost.js';
import { SseClient } from './sseClient.js';
import { notProbed, startTestServer, type TestServer } from './testServer.js';

/** The system libvirtd, a real server with it added as host `lv`, and the server's event stream. */
export interface LibvirtTestbed {
  libvirt: LibvirtHost;
  server: TestServer;
  sse: SseClient;
  /** Forces off and undefines the test's own guests (any that are left), then closes the stream, the server and the libvirt connection. */
  close(guests?: Iterable<string>): Promise<void>;
}

/** Starts the testbed and waits until the server reports the libvirt host `connected`. */
export async function startLibvirtTestbed(): Promise<LibvirtTestbed> {
  const libvirt = await startLibvirtHost();
  const server = await startTestServer({ capabilities: notProbed });
  const sse = await SseClient.connect(server.url, server.token.value);
  const close = async (guests: Iterable<string> = []) => {
    for (const name of guests) {
      await libvirt.virsh('destroy', '--domain', name).catch(() => undefined);
      await libvirt.virsh('undefine', '--domain', name).catch(() => undefined);
    }
    sse.close();
    await server.dispose();
    await libvirt.close();
  };
  const added = await server.api.post('/api/hosts', { json: { id: 'lv', uri: 'qemu:///system' } });
  if (added.status !== 201) {
    await close();
    throw new Error(`Adding qemu:///system as a host answered ${added.status}: ${JSON.stringify(added.body)}`);
  }
  await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'lv' && h.state === 'connected'), 60_000);
  return { libvirt, server, sse, close };
}
