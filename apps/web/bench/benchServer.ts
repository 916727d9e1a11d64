import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, request, type APIRequestContext, type Browser } from '@playwright/test';
import config from '../../../playwright.config.js';
import globalSetup from '../e2e/globalSetup.js';

export interface BenchServer {
  /** The URL the server printed (it logs the browser in). */
  url: string;
  origin: string;
  /** The REST API with the bearer token. */
  api: APIRequestContext;
  browser: Browser;
  close(): Promise<void>;
}

const defaultWebRoot = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * Waits until the server has the brotli form of every asset in `webRoot`, by asking for each:
 * for a web root without the build's compressed copies (a reference built before they were
 * written), a server just started compresses them in the background (at the lowest priority,
 * webApp.ts), and a bench that starts meanwhile shares the two cores with that work and times
 * it too. With the copies it only reads them.
 */
async function assetsCompressed(origin: string, webRoot: string): Promise<void> {
  const files = (await readdir(path.join(webRoot, 'assets'))).filter((file) => !file.endsWith('.br') && !file.endsWith('.gz'));
  await Promise.all(
    files.map(async (file) => {
      const response = await fetch(`${origin}/assets/${file}`, { headers: { 'Accept-Encoding': 'br' } });
      await response.arrayBuffer();
    }),
  );
}

/** The real server as the e2e tests start it, its API and Debian's Chromium: what every web bench runs against. */
export async function startBenchServer(): Promise<BenchServer> {
  const teardown = await globalSetup();
  const url = process.env.VIRTDECK_E2E_URL!;
  const origin = new URL(url).origin;
  const token = new URL(url).searchParams.get('token') ?? '';
  const api = await request.newContext({ baseURL: origin, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  await assetsCompressed(origin, process.env.VIRTDECK_E2E_WEB_ROOT ?? defaultWebRoot);
  const browser = await chromium.launch({ ...config.use?.launchOptions, headless: true });
  return {
    url,
    origin,
    api,
    browser,
    close: async () => {
      await browser.close();
      await api.dispose();
      await teardown();
    },
  };
}

/** Another real server for the web app built in `webRoot` (a reference to compare with); `url` signs a browser in. */
export async function startWebServer(webRoot: string): Promise<{ url: string; close(): Promise<void> }> {
  const saved = { url: process.env.VIRTDECK_E2E_URL, root: process.env.VIRTDECK_E2E_WEB_ROOT };
  process.env.VIRTDECK_E2E_WEB_ROOT = webRoot;
  try {
    const teardown = await globalSetup();
    const url = process.env.VIRTDECK_E2E_URL!;
    await assetsCompressed(new URL(url).origin, webRoot);
    return { url, close: teardown };
  } finally {
    process.env.VIRTDECK_E2E_URL = saved.url;
    if (saved.root === undefined) delete process.env.VIRTDECK_E2E_WEB_ROOT;
    else process.env.VIRTDECK_E2E_WEB_ROOT = saved.root;
  }
}
