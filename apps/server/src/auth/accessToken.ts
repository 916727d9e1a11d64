import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
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
    return this.credential(headers) !== undefined;
  }

  /**
   * How the request carries the right token. Only a browser sends the cookie by itself,
   * so only `cookie` requests need the cross-site checks; a bearer header is set by a program.
   */
  credential(headers: IncomingHttpHeaders): 'bearer' | 'cookie' | undefined {
    const { bearer, cookie } = credentialsOf(headers);
    if (this.matches(bearer)) return 'bearer';
    return this.matches(cookie) ? 'cookie' : undefined;
  }

  /** The Set-Cookie value that logs a browser in. */
  cookie(): string {
    return `${TOKEN_COOKIE}=${this.value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${400 * 24 * 3600}`;
  }
}

/**
 * Reads `$STATE/token`, creating it (mode 0600) with a fresh random token on first start
 * or when the file is damaged. `wx` makes two servers starting at once agree on one token.
 * The file is never followed as a symlink, and one that others may read is made 0600 again.
 */
export async function loadOrCreateToken(stateDir: string): Promise<AccessToken> {
  const file = path.join(stateDir, TOKEN_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await readTokenFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing !== undefined && TOKEN_SHAPE.test(existing)) return new AccessToken(existing);
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

/**
 * The token file's text, read without following a symlink (O_NONBLOCK: a FIFO put there
 * must not hang the start); its mode is set to 0600 if it was wider.
 */
async function readTokenFile(file: string): Promise<string> {
  const handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ELOOP') throw new Error(`The access token file ${file} is not a regular file (a symlink); remove it and restart`);
    throw error;
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`The access token file ${file} is not a regular file; remove it and restart`);
    if ((info.mode & 0o077) !== 0) await handle.chmod(0o600);
    return (await handle.readFile('utf8')).trim();
  } finally {
    await handle.close();
  }
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
