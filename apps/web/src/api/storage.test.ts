import { parsePool, parseVolume } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { dirPoolXml, volumeXml } from './storage';

describe('storage XML the page sends', () => {
  it('writes a dir pool whose name and path survive characters XML would otherwise read as markup', () => {
    const { pool } = parsePool(dirPoolXml("a'b", '/srv/<images> & more'));
    expect(pool).toMatchObject({ type: 'dir', name: "a'b", targetPath: '/srv/<images> & more' });
  });

  it('writes a volume with its size in bytes, its format and the backing volume', () => {
    const { volume } = parseVolume(volumeXml({ name: 'top&.qcow2', format: 'qcow2', capacity: 3 * 1024 ** 3, backingPath: '/images/base.qcow2' }));
    expect(volume?.name).toBe('top&.qcow2');
    expect(volume?.capacity?.bytes).toBe(3n * 1024n ** 3n);
    expect(volume?.target?.format).toBe('qcow2');
    expect(volume?.backingStore?.path).toBe('/images/base.qcow2');
    expect(parseVolume(volumeXml({ name: 'disk.img', format: 'raw', capacity: 1 })).volume?.backingStore).toBeUndefined();
  });
});
