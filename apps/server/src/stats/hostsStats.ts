import type { Logger } from 'pino';
import { LOCAL_HOST_ID, type GuestStats, type StatsEvent } from '../api.js';
import { describeError } from '../errors.js';
import type { Hosts } from '../hosts/Hosts.js';

/** How long a message waits for the libvirt hosts' answers before it goes without the late ones. */
const HOST_WAIT_MS = 700;

/**
 * The once-a-second stats message for every host: the local guests as before, and for each
 * libvirt host one `virsh domstats` of all its running guests. Each host has at most one
 * sample in flight; one that is slower than HOST_WAIT_MS (a remote host over SSH, a busy
 * libvirtd) does not hold up the message or the other hosts: its answer goes out with the
 * next message instead. A host that fails is left out and logged once per failure streak.
 */
export class HostsStats {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Answers not sent yet, by host. */
  private readonly fresh = new Map<string, Record<string, GuestStats>>();
  private readonly failing = new Set<string>();

  constructor(
    private readonly hosts: Hosts,
    private readonly logger: Logger,
    private readonly waitMs = HOST_WAIT_MS,
  ) {}

  async sample(): Promise<StatsEvent> {
    const timestamp = Date.now();
    const remote = this.hosts.list().filter((h) => h.id !== LOCAL_HOST_ID && h.state === 'connected');
    const pending = remote.map((host) => this.start(host.id));
    const [guests] = await Promise.all([this.hosts.driver(LOCAL_HOST_ID).stats(), waitAtMost(Promise.all(pending), this.waitMs)]);
    const event: StatsEvent = { timestamp, guests };
    const hosts: Record<string, Record<string, GuestStats>> = {};
    const known = new Set(remote.map((h) => h.id));
    for (const [id, stats] of this.fresh) {
      if (known.has(id) && Object.keys(stats).length > 0) hosts[id] = stats;
    }
    this.fresh.clear();
    if (Object.keys(hosts).length > 0) event.hosts = hosts;
    return event;
  }

  /** Starts a host's sample unless one is still on its way; settles when it is in `fresh` (or failed). */
  private start(id: string): Promise<void> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const sample = (async () => {
      try {
        this.fresh.set(id, await this.hosts.driver(id).stats());
        this.failing.delete(id);
      } catch (error) {
        if (!this.failing.has(id)) this.logger.warn({ host: id, err: describeError(error) }, 'collecting the stats of a libvirt host failed');
        this.failing.add(id);
      } finally {
        this.inFlight.delete(id);
      }
    })();
    this.inFlight.set(id, sample);
    return sample;
  }
}

function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
