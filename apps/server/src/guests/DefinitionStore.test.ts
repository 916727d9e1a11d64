import nodeFs from 'node:fs/promises';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DefinitionStore, type StoreFs } from './DefinitionStore.js';

const fail = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

/**
 * The real file system, except that the file handle's write stops half-way with ENOSPC,
 * or that a named step fails: what a full disk or a crash in the middle of a save does.
 */
function failingFs(step: 'write' | 'sync' | 'rename'): StoreFs {
  return {
    ...nodeFs,
    open: (async (file: string, flags?: string, mode?: number) => {
      const handle = await nodeFs.open(file, flags, mode);
      if (flags !== 'wx') return handle;
      return Object.assign(Object.create(handle) as nodeFs.FileHandle, {
        writeFile: async (data: string) => {
          if (step !== 'write') return handle.writeFile(data);
          await handle.write(data.slice(0, data.length / 2));
          throw fail('ENOSPC');
        },
        sync: async () => {
          if (step === 'sync') throw fail('EIO');
          return handle.sync();
        },
        close: () => handle.close(),
      });
    }) as StoreFs['open'],
    rename: (async (from: string, to: string) => {
      if (step === 'rename') throw fail('EXDEV');
      return nodeFs.rename(from, to);
    }) as StoreFs['rename'],
  };
}

describe('DefinitionStore', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-store-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('saves, lists, loads and removes definitions', async () => {
    const store = new DefinitionStore(stateDir);
    await store.init();
    await store.write('b', '<domain><name>b</name></domain>');
    await store.write('a', '<domain><name>a</name></domain>');
    expect(await store.list()).toEqual(['a', 'b']);
    expect(await store.load('a')).toEqual({ xml: '<domain><name>a</name></domain>' });
    await store.remove('a');
    expect(await store.list()).toEqual(['b']);
    await expect(store.load('a')).rejects.toMatchObject({ code: 'not-found' });
    await expect(store.remove('a')).rejects.toMatchObject({ code: 'not-found' });
  });

  for (const step of ['write', 'sync', 'rename'] as const) {
    it(`keeps the old definition intact when the save fails at ${step}`, async () => {
      const good = new DefinitionStore(stateDir);
      await good.init();
      await good.write('demo', '<domain>old</domain>');
      const broken = new DefinitionStore(stateDir, failingFs(step));
      const save = broken.write('demo', `<domain>${'new '.repeat(1000)}</domain>`);
      await expect(save).rejects.toMatchObject({ code: 'storage-failed' });
      await expect(save).rejects.toThrow(/previous definition is unchanged/);
      expect(await readFile(path.join(stateDir, 'domains', 'demo.xml'), 'utf8')).toBe('<domain>old</domain>');
      expect(await readdir(path.join(stateDir, 'domains'))).toEqual(['demo.xml']);
    });
  }

  it('clears temporary files a crash left behind', async () => {
    const store = new DefinitionStore(stateDir);
    await store.init();
    await nodeFs.writeFile(path.join(stateDir, 'domains', '.tmp-demo-1-abcd'), '<dom');
    await store.init();
    expect(await readdir(path.join(stateDir, 'domains'))).toEqual([]);
  });

  it('keeps autostart as a symlink to the definition, as libvirt does', async () => {
    const store = new DefinitionStore(stateDir);
    await store.init();
    await store.write('demo', '<domain/>');
    expect(await store.autostart('demo')).toBe(false);
    await store.setAutostart('demo', true);
    expect(await store.autostart('demo')).toBe(true);
    expect(await readlink(path.join(stateDir, 'autostart', 'demo.xml'))).toBe('../domains/demo.xml');
    await store.remove('demo');
    expect(await store.autostart('demo')).toBe(false);
  });

  it('refuses names that could leave its folder', () => {
    const store = new DefinitionStore(stateDir);
    for (const name of ['../etc/passwd', 'a/b', '..', '.hidden', 'nul\0byte', '']) {
      expect(() => store.pathOf(name)).toThrow(/Invalid guest name/);
    }
  });
});
