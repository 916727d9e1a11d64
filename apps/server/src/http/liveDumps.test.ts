import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary } from '../api.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

/** `virsh dumpxml` of running guests (packages/schema/fixtures/live): what users paste most. */
const LIVE = new URL('../../../../packages/schema/fixtures/live/', import.meta.url);
const dumps = readdirSync(LIVE).filter((f) => f.endsWith('.xml')).sort();

describe("a running guest's dump defines without an edit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it.each(dumps)('%s is defined and kept as written', async (file) => {
    const text = readFileSync(new URL(file, LIVE), 'utf8');
    const name = /<name>([^<]+)<\/name>/.exec(text)?.[1] ?? '';
    const created = await server.api.post<GuestSummary>('/api/domains', { xml: text });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, state: 'shutoff' });
    expect((await server.api.get<string>(`/api/domains/${name}/xml`)).body).toBe(text);
  });
});
