import { MAX_DIAGNOSTICS } from '@virtdeck/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary, ValidateResult } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { MAX_XML_BYTES } from '../http/input.js';
import { demoGuest } from '../testing/demoGuest.js';
import { SseClient } from '../testing/sseClient.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';
import { validationPool } from './requestValidation.js';

const guest = demoGuest();

/** The largest body the API takes, all of it unknown attributes on <domain>: about 95,000. */
function hostileBody(): string {
  const tail = '><name>hostile</name><memory>1024</memory><os><type>hvm</type></os></domain>';
  const parts = ["<domain type='qemu'"];
  let length = parts[0]?.length ?? 0;
  for (let i = 0; length + tail.length + 16 < MAX_XML_BYTES; i++) {
    const attribute = ` a${i}='1'`;
    parts.push(attribute);
    length += attribute.length;
  }
  return parts.join('') + tail;
}

describe('a hostile definition does not hold up the server', () => {
  let server: TestServer;
  let events: SseClient;
  const body = hostileBody();
  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest });
    events = await SseClient.connect(server.url, server.token.value);
    await events.next('snapshot');
  });
  afterAll(async () => {
    events.close();
    await server.dispose();
  });

  it('answers other requests and sends events while it checks a 1 MiB body of 95,000 attributes', async () => {
    let answered = false;
    const big = server.api.post<ValidateResult>('/api/validate', { xml: body }).then((response) => {
      answered = true;
      return response;
    });
    // while a worker checks it: the guest list answers, a guest is defined, the event stream tells
    await waitFor('the body to reach a validation worker', () => (validationPool().running > 0 || answered ? true : undefined), 30_000, 5);
    const during: string[] = [];
    const list = await server.api.get<GuestSummary[]>('/api/domains');
    expect(list.status).toBe(200);
    if (!answered) during.push('list');
    const defined = await server.api.post<GuestSummary>('/api/domains', { xml: demoGuestXml('bystander', guest) });
    expect(defined.status).toBe(201);
    await events.next<GuestSummary>('guest', (g) => g.name === 'bystander');
    if (!answered) during.push('event');
    const fresh = await SseClient.connect(server.url, server.token.value);
    await fresh.next('snapshot');
    fresh.close();
    if (!answered) during.push('new stream');

    const response = await big;
    expect(during).toEqual(['list', 'event', 'new stream']);
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(response.body.diagnostics.at(-1)).toMatchObject({ code: 'too-many-diagnostics', severity: 'error' });
  });

  it('refuses it on define, redefine and the command-line preview with the diagnostics', async () => {
    for (const [method, path] of [
      ['POST', '/api/domains'],
      ['PUT', '/api/domains/bystander/xml'],
      ['POST', '/api/argv'],
    ] as const) {
      const response = await server.api.call<ErrorBody>(method, path, { xml: body });
      expect(response.status, `${method} ${path}`).toBe(422);
      expect(response.body.code).toBe('invalid-xml');
      expect(response.body.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
      expect(response.body.diagnostics?.[0]).toMatchObject({ code: 'unknown-attribute', message: expect.stringContaining("'a0'") as unknown });
    }
    // and a large valid definition still goes through
    const padded = demoGuestXml('bystander', guest).replace('</description>', `${' and more'.repeat(8 * 1024)}</description>`);
    const redefined = await server.api.put<GuestSummary>('/api/domains/bystander/xml', { xml: padded });
    expect(redefined.status).toBe(200);
  });
});
