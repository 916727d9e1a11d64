import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainSummary, LifecycleEvent } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { demoGuest } from '../testing/demoGuest.js';
import { waitForText } from '../testing/waitFor.js';
import { GuestManager } from './GuestManager.js';
import { RunDir } from './RunDir.js';
import { haltingKernel } from '../testing/haltingKernel.js';

const guest = demoGuest();
const SILENT_AFTER_MS = 15_000;

describe('a started guest that shows no sign of life', () => {
  let stateDir: string;
  let manager: GuestManager;
  const events: LifecycleEvent[] = [];
  const summaries: DomainSummary[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-life-'));
    await writeFile(path.join(stateDir, 'halt.bin'), haltingKernel());
    manager = new GuestManager({
      stateDir,
      logger: pino({ level: 'silent' }),
      capabilities: () => probeCapabilities(),
      lifeWatch: { silentAfterMs: SILENT_AFTER_MS, intervalMs: 1000 },
    });
    manager.on('lifecycle', (event) => events.push(event));
    manager.on('guest', (summary) => summaries.push(summary));
    await manager.init();
  });

  afterAll(async () => {
    for (const { name, state } of manager.list()) if (state !== 'shutoff') await manager.destroy(name);
    await manager.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('is said to show none, pointing at QEMU\'s log, while a guest that boots is not', async () => {
    await manager.define(demoGuestXml('hangs', { ...guest, kernel: path.join(stateDir, 'halt.bin') }), { create: true });
    await manager.define(demoGuestXml('boots', guest), { create: true });
    await manager.start('hangs');
    await manager.start('boots');
    await waitForText(new RunDir(stateDir, 'boots').serialLog, guest.readyMarker);

    await expect.poll(() => manager.get('hangs').hint, { timeout: SILENT_AFTER_MS * 4, interval: 500 }).toMatchObject({
      code: 'no-sign-of-life',
      message: expect.stringMatching(/No sign of life for 15 s after the start: no serial output, the vCPUs idle\. See QEMU's log/) as unknown,
    });
    expect(manager.get('hangs').state).toBe('running');
    expect(events.filter((e) => e.name === 'hangs' && e.event === 'no-sign-of-life')).toHaveLength(1);
    expect(summaries.some((s) => s.name === 'hangs' && s.hint?.code === 'no-sign-of-life')).toBe(true);
    expect(manager.get('boots').hint).toBeUndefined();
    // Under TCG nothing is said of the accelerator: it ran the other guest.
    expect(manager.acceleratorCaution('qemu')).toBeUndefined();

    // The hint belongs to that run: after a restart the guest is watched afresh.
    await manager.destroy('hangs');
    expect(manager.get('hangs').hint).toBeUndefined();
  });
});
