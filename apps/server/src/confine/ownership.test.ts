import { chown, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreOwners, takeOwnership } from './ownership.js';

// Root (as the tests run) can give files to any uid: nobody stands in for QEMU's user.
const qemu = { name: 'nobody', uid: 65534, gid: 65534, groups: [65534] };
let dir: string;
let records: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-owners-'));
  records = path.join(dir, 'owners.json');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ownerOf = async (file: string) => {
  const { uid, gid } = await stat(file);
  return { uid, gid };
};

describe.runIf(process.getuid?.() === 0)("QEMU's user getting the files it writes", () => {
  it('gives each file to the user for the run and back to its owner after, remembering the owner on disk in between', async () => {
    const image = path.join(dir, 'disk.img');
    const nvram = path.join(dir, 'vars.fd');
    await writeFile(image, 'x');
    await writeFile(nvram, 'y');
    await chown(nvram, 1234, 4321);

    await takeOwnership(records, [image, nvram], qemu);
    expect(await ownerOf(image)).toEqual({ uid: 65534, gid: 65534 });
    expect(await ownerOf(nvram)).toEqual({ uid: 65534, gid: 65534 });
    expect(JSON.parse(await readFile(records, 'utf8'))).toEqual([
      expect.objectContaining({ path: image, uid: 0, gid: 0 }),
      expect.objectContaining({ path: nvram, uid: 1234, gid: 4321 }),
    ]);

    // A second attempt of the same start keeps the owner from before the first.
    await takeOwnership(records, [image], qemu);
    await restoreOwners(records);
    expect(await ownerOf(image)).toEqual({ uid: 0, gid: 0 });
    expect(await ownerOf(nvram)).toEqual({ uid: 1234, gid: 4321 });
    await expect(stat(records)).rejects.toThrow(/ENOENT/);
  });

  it("leaves alone a file someone else changed or replaced meanwhile, and one that was the user's already", async () => {
    const mine = path.join(dir, 'mine.img');
    const rechowned = path.join(dir, 'rechowned.img');
    const replaced = path.join(dir, 'replaced.img');
    for (const file of [mine, rechowned, replaced]) await writeFile(file, 'z');
    await chown(mine, qemu.uid, qemu.gid);

    await takeOwnership(records, [mine, rechowned, replaced], qemu);
    expect(JSON.parse(await readFile(records, 'utf8')).map((r: { path: string }) => r.path)).toEqual([rechowned, replaced]);
    await chown(rechowned, 777, 777);
    await writeFile(`${replaced}.new`, 'new');
    await chown(`${replaced}.new`, qemu.uid, qemu.gid);
    await rename(`${replaced}.new`, replaced);

    await restoreOwners(records);
    expect(await ownerOf(mine)).toEqual({ uid: qemu.uid, gid: qemu.gid });
    expect(await ownerOf(rechowned)).toEqual({ uid: 777, gid: 777 });
    expect(await ownerOf(replaced)).toEqual({ uid: qemu.uid, gid: qemu.gid });
  });

  it('has nothing to do without records, and refuses a records file it cannot read', async () => {
    await restoreOwners(path.join(dir, 'none.json'));
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '[{"path": 3}]');
    await expect(restoreOwners(bad)).rejects.toThrow(`${bad} is not a list of remembered owners`);
  });
});
