import { access, mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { demoGuestXml, parseDemoGuestFiles } from './demoGuest.js';
import { GuestManager } from './guests/GuestManager.js';
import { probeCapabilities } from './host/probeCapabilities.js';
import { createApp } from './http/app.js';

const config = loadConfig();
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

const firstRun = await access(config.stateDir).then(
  () => false,
  () => true,
);
await mkdir(config.stateDir, { recursive: true });

const guests = new GuestManager({ stateDir: config.stateDir, logger, capabilities: () => probeCapabilities() });
await guests.init();

const demo = parseDemoGuestFiles(process.env.VIRTDECK_DEMO_GUEST);
if (firstRun && demo) {
  await guests.define(demoGuestXml('demo', demo), { create: true });
  logger.info('defined the demo guest');
}

const { app, events } = createApp({ guests, logger, webRoot: config.webRoot });
const server = app.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`virtdeck is running at http://${config.host}:${port}/ (state in ${config.stateDir})`);
});

const shutdown = async (signal: string) => {
  logger.info({ signal }, 'stopping the server; guests keep running');
  events.close();
  server.close();
  await guests.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
