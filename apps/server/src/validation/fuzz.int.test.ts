/**
 * Random definitions and random guest names thrown at the HTTP routes of a real server: every
 * answer is a success or a 4xx in the API's error shape, never a 500 or a dropped connection.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../api.js';
import { demoGuest } from '../testing/demoGuest.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { INLINE_MAX_CHARS } from './requestValidation.js';

const guest = demoGuest();
const fragment = fc.oneof(
  fc.constantFrom("<domain type='qemu'>", '</domain>', '<name>', '</name>', "<memory unit='KiB'>", '</memory>', '<os><type>hvm</type></os>', '<devices>', '</devices>', "<disk type='file'><target dev='vda'/></disk>", '<!--', '-->', '<![CDATA[', '&', '&bogus;', '<!DOCTYPE d [<!ENTITY e "e">]>', '<', '>', "'", '"', '\u0000', '\u0085'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const body = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(''));
/** Small texts are checked inline, large ones on the worker pool: both paths get fuzzed. */
const sized = fc.tuple(body, fc.boolean()).map(([text, large]) => (large ? `${text}<!-- ${'x'.repeat(INLINE_MAX_CHARS)} -->${text}` : text));
const guestName = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('%', '%ZZ', '..', '.', 'a/b', 'demo'));

describe('fuzzing the HTTP routes', { timeout: 120_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest });
  });
  afterAll(() => server.dispose());

  const expectAnswered = (method: string, path: string, status: number, response: unknown) => {
    expect(status, `${method} ${path}`).toBeLessThan(500);
    if (status >= 400) expect((response as ErrorBody).code, `${method} ${path}`).toEqual(expect.any(String));
  };

  it('random definitions: diagnostics or a 4xx on every route that takes one', async () => {
    await fc.assert(
      fc.asyncProperty(sized, guestName, async (xml, name) => {
        const named = `/api/domains/${encodeURIComponent(name)}/xml`;
        for (const [method, path] of [['POST', '/api/validate'], ['POST', '/api/argv'], ['POST', '/api/domains'], ['PUT', named]] as const) {
          const response = await server.api.call(method, path, { xml });
          expectAnswered(method, path, response.status, response.body);
        }
      }),
      { numRuns: 40, seed: 1201 },
    );
  });

  it('random names in the path', async () => {
    await fc.assert(
      fc.asyncProperty(guestName, fc.constantFrom('', '/xml', '/argv', '/events', '/start'), async (name, tail) => {
        const path = `/api/domains/${name.replace(/[?#]/g, '')}${tail}`;
        const response = tail === '/start' ? await server.api.post(path) : await server.api.get(path);
        expectAnswered(tail === '/start' ? 'POST' : 'GET', path, response.status, response.body);
      }),
      { numRuns: 60, seed: 9 },
    );
  });
});
