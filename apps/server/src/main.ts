import { pino } from 'pino';
import { loadConfig } from './config.js';
import { parseDemoGuestFiles } from './demoGuest.js';
import { startServer } from './server.js';

const config = loadConfig();
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

const server = await startServer({ config, logger, demoGuest: parseDemoGuestFiles(process.env.VIRTDECK_DEMO_GUEST) });
// The one line people (and the e2e set-up) look for: the URL that logs the browser in.
console.log(`virtdeck is running at ${server.url}?token=${server.token.value} (state in ${config.stateDir})`);

const stop = async (signal: string) => {
  logger.info({ signal }, 'stopping the server; guests keep running');
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
