import type { HostCapabilities } from '@virtdeck/qemu';
import { describe, expect, it } from 'vitest';
import { cachedCapabilities } from './capabilitiesCache.js';

const caps = (arch: string): HostCapabilities => ({ host: { os: 'linux', arch }, kvmDevice: { path: '/dev/kvm', usable: false }, emulators: [], failures: [] });

describe('cachedCapabilities', () => {
  it('probes once for concurrent first calls, then answers from the cache and refreshes when old', async () => {
    let probes = 0;
    const results = [caps('first'), caps('second')];
    const get = cachedCapabilities(() => Promise.resolve(results[probes++] ?? caps('later')), 20);
    const [a, b] = await Promise.all([get(), get()]);
    expect(probes).toBe(1);
    expect(a.host.arch).toBe('first');
    expect(b).toBe(a);
    expect((await get()).host.arch).toBe('first');
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Old: answered from the cache at once, refreshed behind the scenes.
    expect((await get()).host.arch).toBe('first');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await get()).host.arch).toBe('second');
    expect(probes).toBe(2);
  });

  it('tries again after a failed first probe', async () => {
    let calls = 0;
    const get = cachedCapabilities(() => (calls++ === 0 ? Promise.reject(new Error('no QEMU')) : Promise.resolve(caps('ok'))));
    await expect(get()).rejects.toThrow('no QEMU');
    expect((await get()).host.arch).toBe('ok');
  });
});
