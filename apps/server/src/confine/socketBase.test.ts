import { chmod, chown, mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSocketBase } from './socketBase.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-socketbase-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the socket directory', () => {
  it('is made 0700 when missing', async () => {
    const base = path.join(dir, 'fresh');
    await ensureSocketBase(base);
    expect((await stat(base)).mode & 0o777).toBe(0o700);
  });

  it('is refused when another user made it first, when it is open to others, or when it is a symlink', async () => {
    const other = path.join(dir, 'other');
    await mkdir(other, { mode: 0o700 });
    await chown(other, 65534, 65534);
    await expect(ensureSocketBase(other, 0)).rejects.toThrow(`The socket directory ${other} cannot be trusted: it belongs to uid 65534, not to the server's uid 0`);

    const open = path.join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    await expect(ensureSocketBase(open, 0)).rejects.toThrow(/its mode is 777, open to other users/);

    const link = path.join(dir, 'link');
    await symlink(path.join(dir, 'fresh'), link);
    await expect(ensureSocketBase(link, 0)).rejects.toThrow(/not a directory \(a symlink\?\)/);

    const listable = path.join(dir, 'listable');
    await mkdir(listable);
    await chmod(listable, 0o750);
    await expect(ensureSocketBase(listable, 0)).rejects.toThrow(/its mode is 750, open to other users/);
  });

  it('is used without QEMU\'s group when a confined run left it passable by that group only (0710)', async () => {
    const confined = path.join(dir, 'confined');
    await ensureSocketBase(confined, 0, 65534);
    expect((await stat(confined)).mode & 0o777).toBe(0o710);
    await expect(ensureSocketBase(confined, 0)).resolves.toBeUndefined();
  });
});
