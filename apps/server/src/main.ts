import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { parseDemoGuestFiles } from './demoGuest.js';
import { startServer } from './server.js';

const config = loadConfig();
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

const server = await startServer({ config, logger, demoGuest: parseDemoGuestFiles(process.env.VIRTDECK_DEMO_GUEST) });
// The one line people (and the test set-ups) look for. The URL with the token logs a browser in, so
// it is shown on a terminal only: stdout that goes to a file or a pipe ends up in logs others read.
if (process.stdout.isTTY) {
  console.log(`virtdeck is running at ${server.url}?token=${server.token.value} (state in ${config.stateDir})`);
} else {
  const tokenFile = path.join(config.stateDir, 'token');
  console.log(`virtdeck is running at ${server.url} (state in ${config.stateDir}); to sign in, open ${server.url}?token=TOKEN with the token from ${tokenFile}`);
}

const stop = async (signal: string) => {
  logger.info({ signal }, 'stopping the server; guests keep running');
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
