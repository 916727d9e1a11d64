import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostLifecycleEvent } from '../api.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';

const FRAMES = 2000;
const BATCH = 50;
const DETAIL = 'x'.repeat(16 * 1024);

/** `GET /api/events` whose reader stops once the stream has begun, as a stalled browser tab's does. */
function stalledEvents(server: TestServer): Promise<{ resume(): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL('/api/events', server.url), { headers: { Authorization: `Bearer ${server.token.value}` } }, (response) => {
      response.pause();
      let text = '';
      // 'close' and not 'end': a stream cut off without its end must fail the test, not hang it.
      const ended = new Promise<string>((done) => response.on('close', () => done(text)));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      resolve({
        resume: () => {
          response.resume();
          return ended;
        },
      });
    });
    request.on('error', reject);
  });
}

describe('the event stream bounds what each client holds', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('ends the stream of a client that stops reading with a last event saying why, while a reading client gets every event', { timeout: 30_000 }, async () => {
    const stalled = await stalledEvents(server);
    const reader = await SseClient.connect(server.url, server.token.value);
    await waitFor('both clients', () => (server.events.clientCount === 2 ? true : undefined));

    const event = (i: number): HostLifecycleEvent => ({ host: 'local', name: 'noisy', event: 'defined', state: 'shutoff', reason: 'user', timestamp: new Date().toISOString(), detail: `#${i} ${DETAIL}` });
    for (let i = 0; i < FRAMES; i += BATCH) {
      for (let j = i; j < i + BATCH; j++) server.events.broadcast('lifecycle', event(j));
      for (let j = i; j < i + BATCH; j++) await reader.next<HostLifecycleEvent>('lifecycle', (e) => e.detail?.startsWith(`#${j} `) ?? false);
    }
    // 32 MiB went out; the stalled client was let go long before (at 4 MiB unsent), the reader kept up.
    expect(server.events.clientCount).toBe(1);

    const text = await stalled.resume();
    const frames = text.trim().split('\n\n');
    expect(frames.at(-1)).toMatch(/^id: \d+\nevent: dropped\ndata: \{"reason":"the events were not read fast enough \(over 4194304 bytes waiting\)"\}$/);
    expect(frames.length).toBeLessThan(FRAMES);
    reader.close();
  });
});
