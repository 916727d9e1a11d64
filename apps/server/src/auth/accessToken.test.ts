import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cookieValue, loadOrCreateToken, TOKEN_COOKIE } from './accessToken.js';

describe('the access token', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-token-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('is created on first start, readable by its owner only, and kept afterwards', async () => {
    const token = await loadOrCreateToken(stateDir);
    const file = path.join(stateDir, 'token');
    expect(token.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(token.value);
    expect((await loadOrCreateToken(stateDir)).value).toBe(token.value);
  });

  it('is replaced when the file is damaged, and two servers starting at once agree on one', async () => {
    await writeFile(path.join(stateDir, 'token'), 'short');
    const [a, b] = await Promise.all([loadOrCreateToken(stateDir), loadOrCreateToken(stateDir)]);
    expect(a.value).not.toBe('short');
    expect(a.value).toBe(b.value);
  });

  it('authorizes a bearer header or the cookie, and nothing else', async () => {
    const token = await loadOrCreateToken(stateDir);
    expect(token.authorizes({ authorization: `Bearer ${token.value}` })).toBe(true);
    expect(token.authorizes({ cookie: `theme=dark; ${TOKEN_COOKIE}=${token.value}` })).toBe(true);
    expect(token.authorizes({ authorization: `Bearer ${token.value}x` })).toBe(false);
    expect(token.authorizes({ authorization: token.value })).toBe(false);
    expect(token.authorizes({ cookie: `other=${token.value}` })).toBe(false);
    expect(token.authorizes({})).toBe(false);
    expect(token.cookie()).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
  });

  it('reads one cookie out of a header', () => {
    expect(cookieValue('a=1; b = 2 ;c=3', 'b')).toBe('2');
    expect(cookieValue('a=1', 'b')).toBeUndefined();
    expect(cookieValue(undefined, 'b')).toBeUndefined();
  });
});
