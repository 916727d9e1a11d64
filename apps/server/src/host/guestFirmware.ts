/**
 * A start's firmware, before pre-flight: the firmware libvirt would choose for
 * `<os firmware='efi'>` is written into the launch model and the guest's NVRAM folder made,
 * so that pre-flight checks the firmware files and the launch makes the variable store from
 * its template on the first start (confine/launchFiles.ts), keeping it for the next ones.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fillFirmware, type HostCapabilities } from '@virtdeck/qemu';
import type { Domain } from '@virtdeck/schema';
import type { RunDir } from '../guests/RunDir.js';

export async function prepareFirmware(launchDomain: Domain, caps: HostCapabilities, run: RunDir): Promise<void> {
  fillFirmware(launchDomain, caps, run.nvramDir);
  const nvram = launchDomain.os.nvram?.path;
  if (nvram?.startsWith(`${run.nvramDir}${path.sep}`)) await fs.mkdir(run.nvramDir, { recursive: true, mode: 0o700 });
}
