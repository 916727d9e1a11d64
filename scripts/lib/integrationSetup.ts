// vitest globalSetup of the integration projects: the tests boot real guests, so the
// host packages and the demo guest must be there first. Shared with `npm test`'s set-up.
import path from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureDemoGuest } from './demo-guest.mjs';
import { repoRoot } from './project.mjs';
import { ensurePackages, RUNTIME_PACKAGES } from './system.mjs';

export interface DemoGuest {
  kernel: string;
  initrd: string;
  cmdline: string;
  readyMarker: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoGuest: DemoGuest;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  ensurePackages(RUNTIME_PACKAGES);
  const guest = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
  project.provide('demoGuest', { kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline, readyMarker: guest.readyMarker });
}
