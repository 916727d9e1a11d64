import { access, mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { HostCapabilities } from '@virtdeck/qemu';
import type { Logger } from 'pino';
import { loadOrCreateToken, type AccessToken } from './auth/accessToken.js';
import { cachedCapabilities } from './capabilitiesCache.js';
import { hostPassthroughSetting, type ServerConfig } from './config.js';
import { demoGuestXml, type DemoGuestFiles } from './demoGuest.js';
import { LibvirtDriver } from './drivers/libvirt/LibvirtDriver.js';
import { GuestManager, type GuestManagerOptions } from './guests/GuestManager.js';
import { probeCapabilities } from './host/probeCapabilities.js';
import { createApp } from './http/app.js';
import { attachConsoleSockets } from './http/consoleSocket.js';
import { HostAllowList, isLoopback } from './http/hostAllowList.js';
import { Hosts } from './hosts/Hosts.js';
import { HostStore } from './hosts/HostStore.js';
import type { EventHub } from './http/EventHub.js';
import { closeWebSocket } from './http/webSocketClose.js';
import { Networks } from './networks/Networks.js';
import { Pools } from './storage/Pools.js';
import { PoolVolumes } from './storage/PoolVolumes.js';
import { lockStateDir } from './stateLock.js';
import { HostUsage } from './stats/hostUsage.js';
import { HostsStats } from './stats/hostsStats.js';
import { DisplayTickets } from './vnc/DisplayTickets.js';
import { attachDisplaySockets } from './vnc/displaySocket.js';
import { GuestDisplays } from './vnc/GuestDisplays.js';

export interface ServerOptions {
  config: ServerConfig;
  logger: Logger;
  /** The demo guest's files: define `demo` on first run and offer the minimal template. */
  demoGuest?: DemoGuestFiles;
  /** Host capabilities; probed (and cached under the state directory) unless given. */
  capabilities?: () => Promise<HostCapabilities>;
  /** Limits of the guest manager, for tests. */
  guestOptions?: Pick<GuestManagerOptions, 'monitorTimeoutMs' | 'commandTimeoutMs' | 'reconnectTimeoutMs' | 'serialLogMaxBytes' | 'storeFs'>;
  statsIntervalMs?: number;
  hostUsageIntervalMs?: number;
}

export interface RunningServer {
  /** http://HOST:PORT/ */
  url: string;
  port: number;
  token: AccessToken;
  guests: GuestManager;
  /** The local host and the libvirt hosts of hosts.json. */
  guestHosts: Hosts;
  events: EventHub;
  /** Settles when the autostart guests have been started (or failed to). */
  autostarted: Promise<void>;
  /** Stops serving; the guests keep running. */
  close(): Promise<void>;
}

const EMULATOR = '/usr/bin/qemu-system-x86_64';

/**
 * Everything `npm start` runs: the state directory and its token, the guests (found again
 * if they were running), the demo guest on first run, the API, SSE, console WebSockets and
 * the once-a-second stats, on config.host:config.port.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  await mkdir(config.stateDir, { recursive: true, mode: 0o700 });
  const firstRun = await access(path.join(config.stateDir, 'domains')).then(
    () => false,
    () => true,
  );
  const lock = await lockStateDir(config.stateDir);
  const token = await loadOrCreateToken(config.stateDir);
  const tokenFile = path.join(config.stateDir, 'token');
  const capabilities = cachedCapabilities(options.capabilities ?? (() => probeCapabilities({ cacheDir: path.join(config.stateDir, 'cache') })));
  // Probe in the background now, so the first start or /api/host does not wait for it.
  capabilities().catch((error: unknown) => logger.warn({ err: error }, 'probing the host failed'));

  const pools = new Pools(config.stateDir);
  const hostPassthrough = config.hostPassthrough ?? hostPassthroughSetting(undefined, config.host);
  const guests = new GuestManager({ stateDir: config.stateDir, logger, capabilities, poolDirectories: () => pools.list(), hostPassthrough, ...options.guestOptions });
  await guests.init();
  if (firstRun && options.demoGuest) {
    await guests.define(demoGuestXml('demo', options.demoGuest, EMULATOR), { create: true });
    logger.info('defined the demo guest');
  }

  const networks = new Networks(config.stateDir, guests);
  await networks.init();
  await pools.init();
  const volumes = new PoolVolumes(pools, guests);
  await volumes.init();

  const guestHosts = new Hosts(
    guests,
    new HostStore(config.stateDir),
    (entry) => new LibvirtDriver(entry, { logger: logger.child({ host: entry.id }), dataDir: path.join(config.stateDir, 'hosts', entry.id) }),
    logger,
  );
  await guestHosts.init();

  const hosts = new HostAllowList(config.host, config.allowedHosts);
  const displays = new GuestDisplays((host) => guestHosts.driver(host));
  const displayTickets = new DisplayTickets();
  const { app, events, setLatestStats, setLatestHostUsage } = createApp({
    guestHosts,
    logger,
    token,
    tokenFile,
    hosts,
    capabilities,
    templates: { stateDir: config.stateDir, demoGuest: options.demoGuest, emulator: EMULATOR },
    webRoot: config.webRoot,
    displays,
    displayTickets,
    networks,
    pools,
    volumes,
    hostPassthrough,
    acceleratorCaution: (accelerator) => guests.acceleratorCaution(accelerator),
  });
  const server = http.createServer(app);
  const sockets = attachConsoleSockets(server, { guestHosts, token, tokenFile, hosts, logger });
  const displaySockets = attachDisplaySockets(server, { displays, tickets: displayTickets, token, tokenFile, hosts, logger });

  let sampling = false;
  const hostsStats = new HostsStats(guestHosts, logger);
  const statsTimer = setInterval(() => {
    if (events.clientCount === 0 || sampling) return;
    sampling = true;
    hostsStats
      .sample()
      .then((stats) => {
        setLatestStats(stats);
        events.broadcast('stats', stats);
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'collecting stats failed'))
      .finally(() => {
        sampling = false;
      });
  }, options.statsIntervalMs ?? 1000);
  statsTimer.unref();

  // Sampled while nobody watches too (it reads /proc and statfs only), so a page that connects gets a recent one at once.
  const hostUsage = new HostUsage(config.stateDir);
  const sampleHost = () => {
    try {
      const usage = hostUsage.sample();
      setLatestHostUsage(usage);
      events.broadcast('hostUsage', usage);
    } catch (error) {
      logger.warn({ err: error }, 'sampling the host failed');
    }
  };
  const hostUsageTimer = setInterval(sampleHost, options.hostUsageIntervalMs ?? 3000);
  hostUsageTimer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  hosts.listeningOn(port);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  if (!isLoopback(config.host)) logger.warn({ host: config.host }, 'listening beyond this machine: anyone who can reach it and has the token controls the guests');
  if (!isLoopback(config.host) && hostPassthrough) logger.warn('VIRTDECK_HOST_PASSTHROUGH=on: a definition may pass options and programs to the host unchecked (qemu:commandline, qemu:env, tap scripts)');

  const autostarted = guests.autostart();
  return {
    url: `http://${host}:${port}/`,
    port,
    token,
    guests,
    guestHosts,
    events,
    autostarted,
    close: async () => {
      clearInterval(statsTimer);
      clearInterval(hostUsageTimer);
      events.close();
      for (const wss of [sockets, displaySockets]) {
        for (const client of wss.clients) closeWebSocket(client, 1001, 'the server is stopping');
        wss.close();
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await guestHosts.close();
      await guests.close();
      await lock.release();
    },
  };
}
