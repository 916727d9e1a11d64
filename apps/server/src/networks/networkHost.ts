/**
 * What a command line needs to know about networking here: the defined networks and the
 * host's bridges, read when a guest is checked or started (a bridge made a minute ago counts).
 */
import nodeFs from 'node:fs/promises';
import path from 'node:path';
import type { NetworkHost } from '@virtdeck/qemu';
import { parseNetwork, type Network } from '@virtdeck/schema';
import { NetworkStore } from './NetworkStore.js';

const SYS_NET = '/sys/class/net';

/** Bridge devices: the interfaces with a `bridge` folder in sysfs. */
export async function hostBridges(sysNet = SYS_NET): Promise<Set<string>> {
  const names = await nodeFs.readdir(sysNet).catch(() => []);
  const bridges = await Promise.all(
    names.map((name) =>
      nodeFs.stat(path.join(sysNet, name, 'bridge')).then(
        (s) => (s.isDirectory() ? name : undefined),
        () => undefined,
      ),
    ),
  );
  return new Set(bridges.filter((b): b is string => b !== undefined));
}

/** The saved networks, parsed; a file that no longer parses is left out (define validated it). */
export async function definedNetworks(stateDir: string): Promise<Map<string, Network>> {
  const store = new NetworkStore(stateDir);
  const networks = new Map<string, Network>();
  for (const name of await store.list()) {
    const network = parseNetwork(await store.read(name).catch(() => '')).network;
    if (network !== undefined) networks.set(name, network);
  }
  return networks;
}

export async function networkHost(stateDir: string): Promise<NetworkHost> {
  const [networks, bridges] = await Promise.all([definedNetworks(stateDir), hostBridges()]);
  return { networks, bridges, privileged: process.getuid?.() === 0 };
}
