// vitest globalSetup of the integration projects: the tests boot real guests, so the
// host packages and the demo guest must be there first. Shared with `npm test`'s set-up.
import path from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureDemoGuest } from './demo-guest.mjs';
import { ensureInstallerIso } from './installer-iso.mjs';
import { repoRoot } from './project.mjs';
import { ensurePackages, ensureQemuUser, ISO_PACKAGES, LIBVIRT_PACKAGES, RUNTIME_PACKAGES } from './system.mjs';

export interface DemoGuest {
  kernel: string;
  initrd: string;
  cmdline: string;
  readyMarker: string;
}

/** The bootable ISO holding the demo guest, with a banner on its VGA screen. */
export interface InstallerIso {
  iso: string;
  banner: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoGuest: DemoGuest;
    installerIso: InstallerIso;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  ensurePackages([...RUNTIME_PACKAGES, ...ISO_PACKAGES, ...LIBVIRT_PACKAGES]);
  ensureQemuUser(() => undefined);
  const guest = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
  project.provide('demoGuest', { kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline, readyMarker: guest.readyMarker });
  project.provide('installerIso', await ensureInstallerIso(guest, { cacheDir: path.join(repoRoot, '.cache', 'iso') }));
}
