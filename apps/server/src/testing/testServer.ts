import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HostCapabilities } from '@virtdeck/qemu';
import { pino, type Logger } from 'pino';
import type { DemoGuestFiles } from '../demoGuest.js';
import { startServer, type RunningServer, type ServerOptions } from '../server.js';
import { apiClient, type ApiClient } from './apiClient.js';

export interface TestServer extends RunningServer {
  stateDir: string;
  api: ApiClient;
  /** Closes the server and removes its state directory (after the caller stopped its guests). */
  dispose(): Promise<void>;
}

/** The real server, in this process, on a free port with a fresh state directory. */
export async function startTestServer(
  options: {
    stateDir?: string;
    demoGuest?: DemoGuestFiles;
    capabilities?: () => Promise<HostCapabilities>;
    guestOptions?: ServerOptions['guestOptions'];
    webRoot?: string;
    hostUsageIntervalMs?: number;
    /** ServerConfig.hostPassthrough; the default is a loopback server's (on). */
    hostPassthrough?: boolean;
    /** Where the server logs (a test that reads what it logged); silent unless TEST_LOG_LEVEL says otherwise. */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const stateDir = options.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), 'virtdeck-server-')));
  const server = await startServer({
    config: { host: '127.0.0.1', port: 0, stateDir, webRoot: options.webRoot, hostPassthrough: options.hostPassthrough },
    logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    demoGuest: options.demoGuest,
    capabilities: options.capabilities,
    guestOptions: options.guestOptions,
    hostUsageIntervalMs: options.hostUsageIntervalMs,
  });
  return {
    ...server,
    stateDir,
    api: apiClient(server.url, server.token.value),
    dispose: async () => {
      await server.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Host capabilities are not probed in unit tests (that starts QEMU): routes that need them are integration-tested. */
export const notProbed = (): Promise<HostCapabilities> => Promise.reject(new Error('host capabilities are not probed in unit tests'));
