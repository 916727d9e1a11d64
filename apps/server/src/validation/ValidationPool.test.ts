import { MAX_DIAGNOSTICS, MAX_DOCUMENT_LENGTH } from '@virtdeck/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtdeckError } from '../errors.js';
import { checkDefinition } from './tasks.js';
import { ValidationPool } from './ValidationPool.js';

/** One element with as many unknown attributes as fit in `chars`: 80,000 in about 870 KB. */
const hostile = (chars: number): string => {
  const parts = ["<domain type='qemu'"];
  for (let i = 0, length = 40; length < chars - 80; i++) {
    parts.push(` a${i}='1'`);
    length += parts[parts.length - 1]?.length ?? 0;
  }
  return `${parts.join('')}><name>h</name><memory>1024</memory><os><type>hvm</type></os></domain>`;
};
const small = "<domain type='qemu'><name>ok</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>";

const failure = async (promise: Promise<unknown>): Promise<VirtdeckError> => {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof VirtdeckError)) throw new Error(`expected a VirtdeckError, got ${String(error)}`);
  return error;
};

describe('the validation pool', () => {
  const pool = new ValidationPool({ size: 1, maxQueued: 2 });
  afterAll(() => pool.close());

  it('answers what the same check gives inline', async () => {
    const text = hostile(100_000);
    expect(await pool.run('check', text)).toEqual(checkDefinition(text));
    expect(await pool.run('check', small)).toEqual(checkDefinition(small));
  }, 30_000);

  it('leaves the event loop free while it checks a hostile 4 MiB document', async () => {
    const text = hostile(MAX_DOCUMENT_LENGTH);
    let ticks = 0;
    let done = false;
    const tick = (): void => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await pool.run('check', text);
    done = true;
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    // inline, not a single tick would have run before the result
    expect(ticks).toBeGreaterThan(100);
  }, 60_000);

  it('refuses at once what does not fit in the queue, and serves the rest', async () => {
    const text = hostile(1024 * 1024);
    const running = [pool.run('check', text), pool.run('check', text), pool.run('check', text)];
    const refused = await failure(pool.run('check', small));
    expect(refused.code).toBe('unavailable');
    expect(refused.status).toBe(503);
    expect(refused.message).toMatch(/busy/);
    for (const result of await Promise.all(running)) expect(result.valid).toBe(false);
  }, 60_000);
});

describe('the time budget', () => {
  const pool = new ValidationPool({ size: 1, budgetMs: 300 });
  afterAll(() => pool.close());

  it('stops a check that takes too long with a clear 504, and a fresh worker serves the next request', async () => {
    expect((await pool.run('check', small)).valid).toBe(true);
    const error = await failure(pool.run('check', hostile(MAX_DOCUMENT_LENGTH)));
    expect(error.code).toBe('timeout');
    expect(error.status).toBe(504);
    expect(error.message).toMatch(/took longer than 0\.3 s and was stopped/);
    expect((await pool.run('check', small)).valid).toBe(true);
  }, 60_000);
});
