import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { noEmulatorMessage, probeCapabilities } from './probeCapabilities.js';

describe('a probe that times out', () => {
  it('says it timed out on a busy host, not that QEMU is missing', () => {
    const timedOut = { path: '/usr/bin/qemu-system-x86_64', error: 'did not answer QMP for 20000 ms (timed out; the host may be busy)', timedOut: true };
    expect(noEmulatorMessage([timedOut])).toMatch(/^QEMU did not answer the capability probe in time; the host may be busy\. Try again \(\/usr\/bin\/qemu-system-x86_64: did not answer/);
    expect(noEmulatorMessage([timedOut])).not.toContain('install');
    expect(noEmulatorMessage([{ path: '/usr/bin/qemu-system-x86_64', error: 'spawn ENOENT' }])).toBe(
      'No usable QEMU emulator was found on this host (/usr/bin/qemu-system-x86_64: spawn ENOENT); install qemu-system-x86',
    );
    expect(noEmulatorMessage([])).toBe('No usable QEMU emulator was found on this host; install qemu-system-x86');
  });

  it('marks a QEMU that never answers QMP as timed out', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vd-probe-timeout-'));
    try {
      // answers -accel help and -device help, then stays silent on QMP, as a hung QEMU does
      const fake = path.join(dir, 'qemu-system-x86_64');
      await writeFile(fake, `#!/bin/sh\ncase "$*" in *help*) echo tcg; exit 0;; esac\nexec sleep 60\n`);
      await chmod(fake, 0o755);
      const caps = await probeCapabilities({ binaries: [fake], timeoutMs: 1500, cpuMapDir: path.join(dir, 'none') });
      expect(caps.emulators).toEqual([]);
      expect(caps.failures).toEqual([{ path: fake, error: expect.stringContaining('timed out') as string, timedOut: true }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
