import type { HostSummary } from '../api.js';
import { startLibvirtHost, type LibvirtHost } from './libvirtHost.js';
import { SseClient } from './sseClient.js';
import { notProbed, startTestServer, type TestServer } from './testServer.js';

/** The system libvirtd, a real server with it added as host `lv`, and the server's event stream. */
export interface LibvirtTestbed {
  libvirt: LibvirtHost;
  server: TestServer;
  sse: SseClient;
  /** Closes the stream, the server and the libvirt connection (the test undefines its own guests first). */
  close(): Promise<void>;
}

/** Starts the testbed and waits until the server reports the libvirt host `connected`. */
export async function startLibvirtTestbed(): Promise<LibvirtTestbed> {
  const libvirt = await startLibvirtHost();
  const server = await startTestServer({ capabilities: notProbed });
  const sse = await SseClient.connect(server.url, server.token.value);
  const close = async () => {
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
