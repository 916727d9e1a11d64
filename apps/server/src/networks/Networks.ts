import { randomUUID } from 'node:crypto';
import { applyEdits, firstChild, formatIp, insertChildEdit, ipPrefix, networkOf, parseDomain, parseIp, parseNetwork, validateNetwork, type Network } from '@virtdeck/schema';
import type { NetworkSummary, NetworkValidateResult } from '../api.js';
import type { Driver } from '../drivers/Driver.js';
import { VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import { KeyedMutex } from '../guests/KeyedMutex.js';
import { DEFAULT_NETWORK_XML } from './defaultNetwork.js';
import { NetworkStore } from './NetworkStore.js';

/** The guests a network's users are looked up in: their state and the definition they run. */
export type GuestLookup = Pick<Driver, 'list' | 'definition'>;

/**
 * The embedded host's virtual networks (libvirt's virNetwork* define/undefine/list/dumpxml):
 * definitions validated as net-define does, kept in the state directory, `default` defined on
 * the first start. A network a running guest uses cannot be deleted; a redefinition applies
 * to guests started afterwards.
 */
export class Networks {
  private readonly store: NetworkStore;
  private readonly lock = new KeyedMutex();

  constructor(
    stateDir: string,
    private readonly guests: GuestLookup,
  ) {
    this.store = new NetworkStore(stateDir);
  }

  async init(): Promise<void> {
    if (await this.store.init()) await this.define(DEFAULT_NETWORK_XML, { create: true });
  }

  validate(xml: string): NetworkValidateResult {
    const { valid, diagnostics } = validateNetwork(xml);
    return { valid, diagnostics };
  }

  async list(): Promise<NetworkSummary[]> {
    const users = await this.users();
    const summaries: NetworkSummary[] = [];
    for (const name of await this.store.list()) {
      // A file that cannot be read lists as one that does not parse: not at all.
      const network = parseNetwork(await this.store.read(name).catch(() => '')).network;
      if (network !== undefined) summaries.push(summarize(name, network, users.get(name) ?? []));
    }
    return summaries;
  }

  async get(name: string): Promise<NetworkSummary> {
    const network = parseNetwork(await this.store.read(name)).network;
    if (network === undefined) throw new VirtdeckError('not-found', `No network named '${name}'`);
    return summarize(name, network, (await this.users()).get(name) ?? []);
  }

  xml(name: string): Promise<string> {
    return this.store.read(name);
  }

  /** POST (`create`: the name must be new) or PUT (the network must exist and keep its name). */
  async define(xml: string, options: { create: true } | { create: false; name: string }): Promise<NetworkSummary> {
    const { document, network, diagnostics, valid } = validateNetwork(xml);
    if (!valid || network === undefined) throw new VirtdeckError('invalid-xml', 'The network definition has errors', { diagnostics });
    const name = network.name ?? '';
    const problem = guestNameProblem(name);
    if (problem) throw new VirtdeckError('invalid-xml', `Invalid network name: ${problem}`);
    if (!options.create && options.name !== name) throw new VirtdeckError('conflict', `The definition names '${name}', not '${options.name}'; renaming is not supported`);
    return this.lock.run(name, async () => {
      const exists = await this.store.exists(name);
      if (options.create && exists) throw new VirtdeckError('conflict', `A network named '${name}' already exists`);
      if (!options.create && !exists) throw new VirtdeckError('not-found', `No network named '${name}'`);
      const uuid = network.uuid ?? (exists ? parseNetwork(await this.store.read(name)).network?.uuid : undefined) ?? randomUUID();
      // libvirt fills in the UUID on define; a redefinition without one keeps the old
      const nameElement = firstChild(network.node, 'name');
      const text = network.uuid === undefined ? applyEdits(xml, [insertChildEdit(document, network.node, `<uuid>${uuid}</uuid>`, nameElement ? { after: nameElement } : { first: true })]) : xml;
      await this.store.write(name, text);
      return this.get(name);
    });
  }

  async undefine(name: string): Promise<void> {
    await this.lock.run(name, async () => {
      const users = (await this.users()).get(name) ?? [];
      if (users.length > 0) throw new VirtdeckError('conflict', `The network '${name}' is in use by the running guest${users.length > 1 ? 's' : ''} ${users.map((u) => `'${u}'`).join(', ')}: stop ${users.length > 1 ? 'them' : 'it'} first`);
      await this.store.remove(name);
    });
  }

  /** Network name → the guests running on it, from the definitions they were started with. */
  private async users(): Promise<Map<string, string[]>> {
    const users = new Map<string, string[]>();
    for (const guest of this.guests.list()) {
      if (guest.state === 'shutoff') continue;
      const xml = await this.guests.definition(guest.name, { running: true }).catch(() => undefined);
      const domain = xml === undefined ? undefined : parseDomain(xml).domain;
      const names = new Set((domain?.devices.interfaces ?? []).flatMap((i) => (i.type === 'network' && i.source?.network !== undefined ? [i.source.network] : [])));
      for (const network of names) users.set(network, [...(users.get(network) ?? []), guest.name]);
    }
    return users;
  }
}

function summarize(name: string, network: Network, usedBy: string[]): NetworkSummary {
  const forward = network.forward?.mode ?? 'isolated';
  const summary: NetworkSummary = {
    name,
    forward,
    runsAs: forward === 'nat' || forward === 'isolated' ? 'user' : forward === 'bridge' || forward === 'route' || forward === 'open' ? 'bridge' : 'unsupported',
    addresses: network.ips.flatMap((ip) => {
      const address = parseIp(ip.address);
      return address === undefined ? [] : [`${formatIp(networkOf(address, ipPrefix(ip, address)))}/${ipPrefix(ip, address)}`];
    }),
    usedBy,
  };
  if (network.uuid !== undefined) summary.uuid = network.uuid;
  if (network.title !== undefined) summary.title = network.title;
  if (network.bridge?.name !== undefined) summary.bridge = network.bridge.name;
  return summary;
}
