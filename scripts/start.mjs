#!/usr/bin/env node
// `npm start`: everything a fresh clone needs, then the server with the demo guest.
// Each step is skipped when already done, so a second start is up in seconds.
import path from 'node:path';
import { ensureDemoGuest } from './lib/demo-guest.mjs';
import { ensureBuild, ensureDependencies, repoRoot } from './lib/project.mjs';
import { superviseServer } from './lib/supervise.mjs';
import { ensurePackages, ensureQemuUser, RUNTIME_PACKAGES } from './lib/system.mjs';

const log = (message) => console.log(`[virtdeck] ${message}`);

ensurePackages(RUNTIME_PACKAGES, log);
ensureQemuUser(log);
ensureDependencies(log);
ensureBuild(log);
const guest = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log });

superviseServer(
  process.execPath,
  [path.join(repoRoot, 'apps/server/dist/main.js')],
  {
    cwd: repoRoot,
    env: {
      ...process.env,
      VIRTDECK_WEB_ROOT: process.env.VIRTDECK_WEB_ROOT ?? path.join(repoRoot, 'apps/web/dist'),
      VIRTDECK_DEMO_GUEST: JSON.stringify({ kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline }),
    },
  },
  log,
);
