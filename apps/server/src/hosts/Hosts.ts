import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  LOCAL_HOST_ID,
  LOCAL_HOST_URI,
  type DomainSummary,
  type GuestRemoval,
  type GuestSummary,
  type HostCapabilitySummary,
  type HostLifecycleEvent,
  type HostSummary,
  type LifecycleEvent,
} from '../api.js';
import type { Driver, HostConnection } from '../drivers/Driver.js';
import { describeError, VirtdeckError } from '../errors.js';
import { KeyedMutex } from '../guests/KeyedMutex.js';
import { summarizeCapabilities } from './capabilitySummary.js';
import type { HostEntry } from './hostConfig.js';
import type { HostStore } from './HostStore.js';

export interface HostsEvents {
  guest: [GuestSummary];
  removed: [GuestRemoval];
  lifecycle: [HostLifecycleEvent];
  /** The host list changed: a host came or went, or one's state, capabilities or guest count changed. */
  hosts: [HostSummary[]];
}

/** Makes the driver of a libvirt host; it connects by itself and keeps reconnecting. */
export type LibvirtDriverFactory = (entry: HostEntry) => Driver;

interface Host {
  id: string;
  uri: string;
  driver: Driver;
  capabilities?: HostCapabilitySummary;
  /** Stops forwarding the driver's events. */
  detach: () => void;
}

/**
 * The hosts whose guests virtdeck shows: `local` (the embedded driver) always, and every
 * libvirt connection of hosts.json. Each driver's events go out with its host id, so the
 * HTTP layer and the event stream serve the guests of all hosts and never need to know
 * which driver is behind one. Removing a host lets go of its connection; its guests are
 * untouched on the host itself.
 */
export class Hosts extends EventEmitter<HostsEvents> {
  private readonly hosts = new Map<string, Host>();
  /** Serializes changes of the host list, so hosts.json is written in the order they happen. */
  private readonly changes = new KeyedMutex();
  /** Guests on their way to another host (keyed host/name where they are): their removal there says where they went. */
  private readonly moving = new Map<string, string>();
  /** Why hosts.json could not be read at start: changes would overwrite the hosts it names. */
  private unreadable: string | undefined;

  constructor(
    local: Driver,
    private readonly store: HostStore,
    private readonly connect: LibvirtDriverFactory,
    private readonly logger: Logger,
  ) {
    super();
    this.attach(LOCAL_HOST_ID, LOCAL_HOST_URI, local);
  }

  /** Connects to every saved libvirt host; a host that cannot be reached shows as lost and keeps trying. */
  async init(): Promise<void> {
    let entries: HostEntry[];
    try {
      entries = await this.store.load();
    } catch (error) {
      // The server starts with its own host; the list is not saved over until the file is fixed.
      this.unreadable = describeError(error);
      this.logger.error({ file: this.store.file, problem: this.unreadable }, 'the saved libvirt hosts cannot be read; only the local host is served');
      return;
    }
    for (const entry of entries) this.attach(entry.id, entry.uri, this.connect(entry));
  }

  list(): HostSummary[] {
    return [...this.hosts.values()].map((host) => this.summary(host));
  }

  get(id: string): HostSummary {
    return this.summary(this.require(id));
  }

  /** The guests of every host, each with its host. */
  guests(): GuestSummary[] {
    return [...this.hosts.values()].flatMap((host) => host.driver.list().map((guest) => withHost(host.id, guest)));
  }

  private assertWritable(): void {
    if (this.unreadable) throw new VirtdeckError('conflict', `${this.unreadable}; the host list is not changed until that file is fixed or removed`);
  }

  /** The driver of a host; 404 for an unknown host. */
  driver(id: string): Driver {
    return this.require(id).driver;
  }

  /** Runs `work`, which takes the guest `name` off host `from` because it moved to host `to`: its removal on the stream names `to`. */
  async whileMoving<T>(from: string, name: string, to: string, work: () => Promise<T>): Promise<T> {
    const key = `${from}/${name}`;
    this.moving.set(key, to);
    try {
      return await work();
    } finally {
      this.moving.delete(key);
    }
  }

  add(entry: HostEntry): Promise<HostSummary> {
    return this.changes.run('', async () => {
      this.assertWritable();
      if (this.hosts.has(entry.id)) throw new VirtdeckError('conflict', `A host named '${entry.id}' already exists`);
      await this.store.save([...this.entries(), entry]);
      const host = this.attach(entry.id, entry.uri, this.connect(entry));
      this.announce();
      return this.summary(host);
    });
  }

  /** Forgets a libvirt host: its connection is closed, its guests leave the list, the host itself is untouched. */
  remove(id: string): Promise<void> {
    return this.changes.run('', async () => {
      this.assertWritable();
      if (id === LOCAL_HOST_ID) throw new VirtdeckError('conflict', `'${LOCAL_HOST_ID}' is virtdeck's own host and cannot be removed`);
      const host = this.require(id);
      await this.store.save(this.entries().filter((e) => e.id !== id));
      this.hosts.delete(id);
      host.detach();
      for (const guest of host.driver.list()) this.emit('removed', { host: id, name: guest.name });
      this.announce();
      await host.driver.close().catch((error: unknown) => this.logger.warn({ host: id, err: error }, 'closing the connection to a removed host failed'));
    });
  }

  /** Closes the connections to the libvirt hosts (the local driver is its owner's to close). */
  async close(): Promise<void> {
    const remote = [...this.hosts.values()].filter((h) => h.id !== LOCAL_HOST_ID);
    for (const host of remote) host.detach();
    await Promise.allSettled(remote.map((h) => h.driver.close()));
  }

  private attach(id: string, uri: string, driver: Driver): Host {
    let count = driver.list().length;
    const countChanged = () => {
      const now = driver.list().length;
      if (now === count) return;
      count = now;
      this.announce();
    };
    const onGuest = (guest: DomainSummary) => {
      this.emit('guest', withHost(id, guest));
      countChanged();
    };
    const onRemoved = (name: string, renamedTo?: string) => {
      const movedTo = this.moving.get(`${id}/${name}`);
      this.emit('removed', { host: id, name, ...(renamedTo !== undefined ? { renamedTo } : {}), ...(movedTo !== undefined ? { movedTo } : {}) });
      countChanged();
    };
    const onLifecycle = (event: LifecycleEvent) => this.emit('lifecycle', { ...event, host: id });
    const onConnection = ({ state }: HostConnection) => {
      if (state === 'connected') this.refreshCapabilities(host);
      this.announce();
    };
    driver.on('guest', onGuest);
    driver.on('removed', onRemoved);
    driver.on('lifecycle', onLifecycle);
    driver.on('connection', onConnection);
    const host: Host = {
      id,
      uri,
      driver,
      detach: () => {
        driver.off('guest', onGuest);
        driver.off('removed', onRemoved);
        driver.off('lifecycle', onLifecycle);
        driver.off('connection', onConnection);
      },
    };
    this.hosts.set(id, host);
    if (driver.connection().state === 'connected') this.refreshCapabilities(host);
    return host;
  }

  /** Asks the host what it can run, in the background; the list shows it once known. */
  private refreshCapabilities(host: Host): void {
    const hypervisor = host.driver.kind === 'libvirt' ? 'libvirt' : undefined;
    host.driver
      .capabilities()
      .then((caps) => {
        host.capabilities = summarizeCapabilities(caps, hypervisor);
        if (this.hosts.get(host.id) === host) this.announce();
      })
      .catch((error: unknown) => this.logger.warn({ host: host.id, err: describeError(error) }, 'reading the capabilities of a host failed'));
  }

  private summary(host: Host): HostSummary {
    const { state, error } = host.driver.connection();
    const summary: HostSummary = { id: host.id, uri: host.uri, driver: host.driver.kind, state, guests: host.driver.list().length };
    if (error) summary.error = error;
    if (host.capabilities) summary.capabilities = host.capabilities;
    return summary;
  }

  private entries(): HostEntry[] {
    return [...this.hosts.values()].filter((h) => h.id !== LOCAL_HOST_ID).map(({ id, uri }) => ({ id, uri }));
  }

  private announce(): void {
    this.emit('hosts', this.list());
  }

  private require(id: string): Host {
    const host = this.hosts.get(id);
    if (!host) throw new VirtdeckError('not-found', `No host named '${id}'`);
    return host;
  }
}

export function withHost(host: string, guest: DomainSummary): GuestSummary {
  return { ...guest, host };
}
