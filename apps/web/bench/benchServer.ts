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

/** The real server as the e2e tests start it, its API and Debian's Chromium: what every web bench runs against. */
export async function startBenchServer(): Promise<BenchServer> {
  const teardown = await globalSetup();
  const url = process.env.VIRTDECK_E2E_URL!;
  const origin = new URL(url).origin;
  const token = new URL(url).searchParams.get('token') ?? '';
  const api = await request.newContext({ baseURL: origin, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
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
