import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test as base, expect, type TestInfo } from '@playwright/test';

export interface VirtdeckServer {
  /** The URL the server printed (it logs the browser in). */
  url: string;
  origin: string;
  stateDir: string;
}

/**
 * `server`: the real virtdeck server started by globalSetup. When a test fails, the
 * definitions, QEMU's stderr and the serial logs of every guest are attached to the report.
 */
export const test = base.extend<{ server: VirtdeckServer }>({
  // Playwright reads the fixtures a function needs from its first parameter's pattern: it must be an object pattern.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use, testInfo) => {
    const url = process.env.VIRTDECK_E2E_URL;
    const stateDir = process.env.VIRTDECK_E2E_STATE_DIR;
    if (!url || !stateDir) throw new Error('globalSetup did not start the server');
    await use({ url, origin: new URL(url).origin, stateDir });
    if (testInfo.status !== testInfo.expectedStatus) await attachGuestFiles(testInfo, stateDir);
  },
});

async function attachGuestFiles(testInfo: TestInfo, stateDir: string): Promise<void> {
  const domains = path.join(stateDir, 'domains');
  for (const file of await readdir(domains).catch(() => [] as string[])) {
    await testInfo.attach(`definition ${file}`, { path: path.join(domains, file), contentType: 'application/xml' });
  }
  const run = path.join(stateDir, 'run');
  for (const name of await readdir(run).catch(() => [] as string[])) {
    for (const [file, label] of [
      ['qemu.log', 'QEMU stderr'],
      ['serial.log', 'console log'],
    ] as const) {
      const body = await readFile(path.join(run, name, file)).catch(() => undefined);
      if (body) await testInfo.attach(`${label} ${name}`, { body, contentType: 'text/plain' });
    }
  }
}

export { expect };
