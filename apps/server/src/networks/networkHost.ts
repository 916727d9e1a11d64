/**
 * What a command line needs to know about networking here: the defined networks and the
 * host's bridges, read when a guest is checked or started (a bridge made a minute ago counts).
 */
import nodeFs from 'node:fs/promises';
import path from 'node:path';
import type { NetworkHost } from '@virtdeck/qemu';
import { parseNetwork, type Network } from '@virtdeck/schema';
import { qemuUser, type QemuUser } from '../confine/qemuUser.js';
import { permits, READ, WRITE } from '../confine/reach.js';
import { NetworkStore } from './NetworkStore.js';
import { recordedTaps } from './taps.js';

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

/** The guest whose command line is built: how its taps are named (RunDir.tapPrefix), and for a hot-plug those it has (RunDir.tapsFile). */
export interface TapOwner {
  tapPrefix: string;
  tapsFile?: string;
}

export async function networkHost(stateDir: string, guest?: TapOwner): Promise<NetworkHost> {
  const privileged = process.getuid?.() === 0;
  const [networks, bridges, user] = await Promise.all([definedNetworks(stateDir), hostBridges(), privileged ? qemuUser().catch(() => undefined) : undefined]);
  const host: NetworkHost = { networks, bridges, privileged, ...(user ? await tapAccess(user) : {}) };
  if (guest) {
    host.tapPrefix = guest.tapPrefix;
    if (guest.tapsFile !== undefined) host.tapsInUse = new Set((await recordedTaps(guest.tapsFile)).map((t) => t.ifname));
  }
  return host;
}

/** What QEMU, running as `user`, can open of what a tap needs (NetworkHost.tapBlocked and vhostNet). */
export async function tapAccess(user?: QemuUser): Promise<Pick<NetworkHost, 'tapBlocked' | 'vhostNet'>> {
  const qemu = user ?? (process.getuid?.() === 0 ? await qemuUser().catch(() => undefined) : undefined);
  if (!qemu) return {};
  const access: Pick<NetworkHost, 'tapBlocked' | 'vhostNet'> = { vhostNet: (await deviceAccess(VHOST_NET_DEVICE, qemu)) === 'usable' };
  const tun = await deviceAccess(TUN_DEVICE, qemu);
  if (tun === 'missing') access.tapBlocked = `${TUN_DEVICE} does not exist on this host (the tun module is not loaded, or /dev lacks it).`;
  else if (tun !== 'usable') {
    access.tapBlocked = `QEMU runs as ${qemu.name}, who cannot open ${TUN_DEVICE} (mode ${tun}); systemd's udev makes it 0666, which lets a user attach only to taps made for them: chmod 0666 ${TUN_DEVICE} (npm start does).`;
  }
  return access;
}

const TUN_DEVICE = '/dev/net/tun';
const VHOST_NET_DEVICE = '/dev/vhost-net';

/**
 * Whether QEMU's user can open a device node for reading and writing: 'usable', 'missing', or
 * the node's mode. /dev/net/tun is 0666 on a host with systemd's udev rules, which is safe:
 * without privileges a process attaches only to taps made for its user. Where it is not (a
 * container's /dev), the set-up (npm start) makes it so.
 */
async function deviceAccess(device: string, user: QemuUser): Promise<string> {
  const stat = await nodeFs.stat(device).catch(() => undefined);
  if (!stat) return 'missing';
  if (permits(stat, user, READ | WRITE)) return 'usable';
  return (stat.mode & 0o777).toString(8).padStart(4, '0');
}
