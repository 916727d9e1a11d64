import { randomUUID } from 'node:crypto';
import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { applyEdits, firstChild, insertChildEdit, parsePool, validatePool, type StoragePool } from '@virtdeck/schema';
import type { PoolSummary } from '../api.js';
import { describeError, VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import { KeyedMutex } from '../guests/KeyedMutex.js';
import { defaultPoolXml } from './defaultPool.js';
import { PoolStore } from './PoolStore.js';

/**
 * The embedded host's storage pools (libvirt's virStoragePool* define/undefine/list/dumpxml):
 * directory pools validated as pool-define does, kept in the state directory, `default`
 * (the state directory's images/) defined on the first start. Defining a pool makes its
 * directory (pool-build); undefining it leaves the directory and its volumes alone, as libvirt does.
 */
export class Pools {
  private readonly store: PoolStore;
  private readonly lock = new KeyedMutex();

  constructor(private readonly stateDir: string) {
    this.store = new PoolStore(stateDir);
  }

  async init(): Promise<void> {
    if (await this.store.init()) await this.define(defaultPoolXml(path.join(this.stateDir, 'images')));
  }

  async list(): Promise<PoolSummary[]> {
    return Promise.all((await this.store.list()).map((name) => this.get(name)));
  }

  async get(name: string): Promise<PoolSummary> {
    const pool = await this.pool(name);
    const dir = pool.targetPath as string;
    const [stats, entries] = await Promise.all([nodeFs.statfs(dir).catch(() => undefined), nodeFs.readdir(dir).catch(() => [])]);
    const summary: PoolSummary = {
      name,
      path: dir,
      capacity: stats === undefined ? 0 : stats.blocks * stats.bsize,
      available: stats === undefined ? 0 : stats.bavail * stats.bsize,
      volumes: entries.filter((e) => !e.startsWith('.')).length,
    };
    if (pool.uuid !== undefined) summary.uuid = pool.uuid;
    return summary;
  }

  /** The pool's model; its target path is always there (the schema requires it). */
  async pool(name: string): Promise<StoragePool> {
    const pool = parsePool(await this.store.read(name)).pool;
    if (pool?.targetPath === undefined) throw new VirtdeckError('not-found', `The pool '${name}' has no usable definition`);
    return pool;
  }

  xml(name: string): Promise<string> {
    return this.store.read(name);
  }

  async define(xml: string): Promise<PoolSummary> {
    const { document, pool, diagnostics, valid } = validatePool(xml);
    if (!valid || pool === undefined) throw new VirtdeckError('invalid-xml', 'The pool definition has errors', { diagnostics });
    const name = pool.name ?? '';
    const problem = guestNameProblem(name);
    if (problem) throw new VirtdeckError('invalid-xml', `Invalid pool name: ${problem}`);
    const dir = path.resolve(pool.targetPath as string);
    if (dir === '/') throw new VirtdeckError('invalid-xml', 'A pool cannot be the root directory');
    return this.lock.run(name, async () => {
      if (await this.store.exists(name)) throw new VirtdeckError('conflict', `A pool named '${name}' already exists`);
      for (const other of await this.list()) {
        if (path.resolve(other.path) === dir) throw new VirtdeckError('conflict', `The pool '${other.name}' already has the directory ${dir}`);
      }
      try {
        await nodeFs.mkdir(dir, { recursive: true, mode: 0o711 });
      } catch (error) {
        throw new VirtdeckError('storage-failed', `Could not make the pool directory ${dir} (${describeError(error)})`, { cause: error });
      }
      // libvirt fills in the UUID on define
      const nameElement = firstChild(pool.node, 'name');
      const text = pool.uuid === undefined ? applyEdits(xml, [insertChildEdit(document, pool.node, `<uuid>${randomUUID()}</uuid>`, nameElement ? { after: nameElement } : { first: true })]) : xml;
      await this.store.write(name, text);
      return this.get(name);
    });
  }

  async undefine(name: string): Promise<void> {
    if (name === 'default') throw new VirtdeckError('conflict', "The 'default' pool holds the templates' disks and cannot be deleted");
    await this.lock.run(name, () => this.store.remove(name));
  }
}
