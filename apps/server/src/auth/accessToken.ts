import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';

/** The cookie the browser keeps the token in (HttpOnly, SameSite=Strict). */
export const TOKEN_COOKIE = 'virtdeck_token';
const TOKEN_FILE = 'token';
const TOKEN_BYTES = 32;
/** base64url of 32 random bytes; anything else in the file is treated as damaged. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The access token every API request must carry. Compared in constant time on digests,
 * so neither the content nor the length of a guess leaks through timing.
 */
export class AccessToken {
  private readonly digest: Buffer;

  constructor(readonly value: string) {
    this.digest = sha256(value);
  }

  matches(candidate: string | undefined): boolean {
    return candidate !== undefined && timingSafeEqual(this.digest, sha256(candidate));
  }

  /** True when the request carries the token as `Authorization: Bearer …` or in the cookie. */
  authorizes(headers: IncomingHttpHeaders): boolean {
    const { bearer, cookie } = credentialsOf(headers);
    return this.matches(bearer) || this.matches(cookie);
  }

  /** The Set-Cookie value that logs a browser in. */
  cookie(): string {
    return `${TOKEN_COOKIE}=${this.value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${400 * 24 * 3600}`;
  }
}

/**
 * Reads `$STATE/token`, creating it (mode 0600) with a fresh random token on first start
 * or when the file is damaged. `wx` makes two servers starting at once agree on one token.
 */
export async function loadOrCreateToken(stateDir: string): Promise<AccessToken> {
  const file = path.join(stateDir, TOKEN_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await fs.readFile(file, 'utf8').then(
      (text) => text.trim(),
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
    if (existing !== undefined && TOKEN_SHAPE.test(existing)) {
      await fs.chmod(file, 0o600);
      return new AccessToken(existing);
    }
    if (existing !== undefined) await fs.rm(file, { force: true });
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${token}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return new AccessToken(token);
    } catch (error) {
      // Another process created it between our read and our open: read theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`Could not create or read the access token in ${file}`);
}

function credentialsOf(headers: IncomingHttpHeaders): { bearer?: string; cookie?: string } {
  const authorization = headers.authorization;
  const bearer = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : undefined;
  return { bearer, cookie: cookieValue(headers.cookie, TOKEN_COOKIE) };
}

/** One cookie's value from a Cookie header; undefined when absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
