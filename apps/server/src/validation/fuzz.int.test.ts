/**
 * Random definitions and random guest names thrown at the HTTP routes of a real server: every
 * answer is a success or a 4xx in the API's error shape, never a 500 or a dropped connection.
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../api.js';
import { demoGuest } from '../testing/demoGuest.js';
import { rawRequest } from '../testing/rawRequest.js';
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

const decodeOr = (name: string): string => {
  try {
    return decodeURIComponent(name).replace(/[<&]/g, '');
  } catch {
    return name;
  }
};

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

  /** A name as it goes into the path: random text percent-encoded byte by byte, or a raw path segment. */
  const volumeName = fc.oneof(
    fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 12 })).map((text) => [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
    fc.constantFrom('%', '%ZZ', '%00', '%C2%85', '%E0%A4%A', '..', '.', '.upload-x', 'a%2Fb', 'v'.repeat(300), 'disk.img'),
  );
  const rangeHeader = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.tuple(fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constant('')), fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constant(''), fc.constant('-1'))).map(([a, b]) => `bytes=${a}-${b}`),
  );
  const volumeXml = fc
    .tuple(volumeName, fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('-1', '1e30', '10', '18446744073709551616')), fc.constantFrom('', "unit='XB'", "unit='MiB'"), fc.constantFrom('raw', 'qcow2', 'vmdk', "raw' x='"))
    .map(([name, capacity, unit, format]) => `<volume><name>${decodeOr(name)}</name><capacity ${unit}>${capacity}</capacity><target><format type='${format}'/></target></volume>`);

  it('random volume names, Range headers, sizes and volume definitions on the storage routes: a 4xx or success, nothing outside the pool', async () => {
    const images = path.join(server.stateDir, 'images');
    const outside = () => readdir(server.stateDir);
    const before = await outside();
    await writeFile(path.join(images, 'disk.img'), 'x'.repeat(100));
    await fc.assert(
      fc.asyncProperty(volumeName, rangeHeader, volumeXml, fc.integer({ min: -2, max: 2 ** 62 }), async (name, range, xml, capacity) => {
        const volume = `/api/pools/default/volumes/${name}`;
        const headers = { Authorization: `Bearer ${server.token.value}` };
        for (const [method, route, extra, body] of [
          ['GET', volume, { Range: range }, undefined],
          ['PUT', volume, { 'Content-Type': 'application/octet-stream' }, 'data'],
          ['POST', `${volume}/resize`, { 'Content-Type': 'application/json' }, JSON.stringify({ capacity })],
          ['POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, xml],
          ['DELETE', volume, {}, undefined],
        ] as const) {
          const response = await rawRequest(server.url, { method, path: route, headers: { ...headers, ...extra }, body });
          expectAnswered(method, route, response.status, response.status >= 400 ? JSON.parse(response.body) : undefined);
        }
      }),
      { numRuns: 40, seed: 4242 },
    );
    expect(await outside()).toEqual(before);
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
