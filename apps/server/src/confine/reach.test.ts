import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permits, reachable, READ, SEARCH, WRITE } from './reach.js';

const qemu = { name: 'nobody', uid: 65534, gid: 65534, groups: [65534] };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-reach-'));
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('what QEMU’s user may do', () => {
  it('is decided by the owner class for the owner, the group class for its group, others for the rest', () => {
    expect(permits({ uid: 65534, gid: 0, mode: 0o044 }, qemu, READ)).toBe(false);
    expect(permits({ uid: 0, gid: 65534, mode: 0o460 }, qemu, READ | WRITE)).toBe(true);
    expect(permits({ uid: 0, gid: 0, mode: 0o604 }, qemu, READ)).toBe(true);
    expect(permits({ uid: 0, gid: 0, mode: 0o604 }, qemu, WRITE)).toBe(false);
    expect(permits({ uid: 0, gid: 0, mode: 0o700 }, qemu, SEARCH)).toBe(false);
  });

  it('counts the groups the group database lists the user in, as QEMU runs with them', () => {
    const inKvm = { ...qemu, groups: [65534, 992] };
    expect(permits({ uid: 0, gid: 992, mode: 0o660 }, inKvm, READ | WRITE)).toBe(true);
    expect(permits({ uid: 0, gid: 992, mode: 0o660 }, qemu, READ | WRITE)).toBe(false);
    // The group class decides for a member, even when others may do more.
    expect(permits({ uid: 0, gid: 992, mode: 0o606 }, inKvm, READ | WRITE)).toBe(false);
    expect(permits({ uid: 0, gid: 992, mode: 0o606 }, qemu, READ | WRITE)).toBe(true);
  });

  it('reaches a file only through folders it may search, on the path as written and where a symlink leads', async () => {
    const open = path.join(dir, 'open');
    const closed = path.join(dir, 'closed');
    await mkdir(open, { mode: 0o755 });
    await mkdir(closed, { mode: 0o700 });
    await writeFile(path.join(open, 'kernel'), 'k');
    await writeFile(path.join(closed, 'kernel'), 'k');
    await symlink(path.join(closed, 'kernel'), path.join(open, 'link'));
    expect(await reachable(path.join(open, 'kernel'), qemu)).toBe(true);
    expect(await reachable(path.join(closed, 'kernel'), qemu)).toBe(false);
    expect(await reachable(path.join(open, 'link'), qemu)).toBe(false);

    const theirs = path.join(dir, 'theirs');
    await mkdir(theirs, { mode: 0o700 });
    await chown(theirs, qemu.uid, 0);
    expect(await reachable(path.join(theirs, 'file'), qemu)).toBe(true);
  });
});
