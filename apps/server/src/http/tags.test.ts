import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DefinitionVersion, ErrorBody, GuestSummary } from '../api.js';
import { setTags } from '../guests/guestTags.js';
import { smallDefinition } from '../testing/definitions.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const xml = smallDefinition;

describe('PUT /api/domains/NAME/tags', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
    await server.api.post('/api/domains', { xml: xml('web1') });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('keeps the tags in the definition under virtdeck’s namespace, lists them and announces them on the stream', async () => {
    const stream = await SseClient.connect(server.url, server.token.value);
    await stream.next('snapshot');
    const saved = await server.api.put<GuestSummary>('/api/domains/web1/tags', { json: { tags: ['web', 'eu-1'] } });
    expect(saved).toMatchObject({ status: 200, body: { name: 'web1', host: 'local', tags: ['web', 'eu-1'] } });
    expect((await stream.next<GuestSummary>('guest', (g) => g.name === 'web1')).data.tags).toEqual(['web', 'eu-1']);
    stream.close();

    const definition = (await server.api.get<string>('/api/domains/web1/xml')).body;
    expect(definition).toContain('<virtdeck:tags xmlns:virtdeck="https://virtdeck.dev/xmlns/tags/1">\n      <virtdeck:tag>web</virtdeck:tag>');
    expect(definition).toContain("<!-- the user's own words -->");
    expect((await server.api.get<GuestSummary[]>('/api/domains')).body.find((g) => g.name === 'web1')?.tags).toEqual(['web', 'eu-1']);
    // A save like any other: the untagged definition is in the history.
    expect((await server.api.get<DefinitionVersion[]>('/api/domains/web1/history')).body).toHaveLength(1);

    expect((await server.api.put<GuestSummary>('/api/domains/web1/tags', { json: { tags: [] } })).body.tags).toEqual([]);
    expect((await server.api.get<string>('/api/domains/web1/xml')).body).not.toContain('metadata');
  });

  it('refuses a tag outside the charset or too many tags with 400 naming the tag, and saves nothing', async () => {
    const bad = await server.api.put<ErrorBody>('/api/domains/web1/tags', { json: { tags: ['ok', 'rm -rf'] } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid-request', message: expect.stringContaining("Tags: the tag 'rm -rf' may hold only letters") } });
    const many = await server.api.put<ErrorBody>('/api/domains/web1/tags', { json: { tags: Array.from({ length: 33 }, (_, i) => `t${i}`) } });
    expect(many).toMatchObject({ status: 400, body: { message: expect.stringContaining('at most 32 tags') } });
    expect((await server.api.put<ErrorBody>('/api/domains/web1/tags', { json: { tags: 'web' } })).status).toBe(400);
    expect((await server.api.put<ErrorBody>('/api/domains/nobody/tags', { json: { tags: ['web'] } })).status).toBe(404);
    expect((await server.api.get<string>('/api/domains/web1/xml')).body).not.toContain('metadata');
  });

  it('answers 409 "changed meanwhile" when the definition is saved between the read and the write, keeping that save', async () => {
    const guests = server.guests;
    // The real guest manager, with another save landing right after the tags' read.
    const racing = {
      get: (name: string) => guests.get(name),
      define: guests.define.bind(guests),
      definition: async (name: string) => {
        const read = await guests.definition(name);
        await guests.define(xml('web1', 96), { create: false, name });
        return read;
      },
    };
    await expect(setTags(racing, 'web1', ['web'])).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining("'web1' changed meanwhile") });
    expect(guests.get('web1')).toMatchObject({ memoryKiB: 96 * 1024, tags: [] });
  });
});
