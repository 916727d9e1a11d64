import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidateResult } from '../api.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

/** libvirt 11.3's own test inputs (../shared beside the checkout), never copied into the repository. */
const CORPUS_DIR = process.env.VIRTDECK_CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../../../shared/conformance/libvirt-11.3', import.meta.url));
const CORPUS = CORPUS_DIR.endsWith('/') ? CORPUS_DIR : `${CORPUS_DIR}/`;
const HAVE_CORPUS = existsSync(CORPUS);
if (!HAVE_CORPUS) console.warn(`Skipping the libvirt verdict checks: the shared conformance corpus is not at ${CORPUS} (as on a user's clone)`);
const files = (subdir: string): string[] => (HAVE_CORPUS ? readdirSync(CORPUS + subdir).filter((f) => f.endsWith('.xml')).sort() : []);

describe.skipIf(!HAVE_CORPUS)("POST /api/validate agrees with libvirt's verdict on its own test inputs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  const verdicts = async (subdir: string) =>
    Promise.all(
      files(subdir).map(async (name) => {
        const { body } = await server.api.post<ValidateResult>('/api/validate', { xml: readFileSync(CORPUS + subdir + '/' + name, 'utf8') });
        return { name, ...body };
      }),
    );

  it('calls every definition libvirt accepts valid, whatever this host can start', async () => {
    const results = await verdicts('argv');
    expect(results).toHaveLength(150);
    expect(results.filter((r) => !r.valid).map((r) => r.name)).toEqual([]);
    // Whatever this host lacks is said as the host's: none of it is a document error.
    for (const r of results) expect(r.diagnostics.filter((d) => d.severity === 'error' && d.scope === 'document')).toEqual([]);
  });

  it.each(['invalid/schema', 'invalid/semantic'])('rejects every file of %s', async (subdir) => {
    const results = await verdicts(subdir);
    expect(results.length).toBe(subdir === 'invalid/schema' ? 30 : 20);
    expect(results.filter((r) => r.valid).map((r) => r.name)).toEqual([]);
    for (const r of results) expect(r.startable).toBe(false);
  });
});
