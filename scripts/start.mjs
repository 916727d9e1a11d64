#!/usr/bin/env node
// `npm start`: everything a fresh clone needs, then the server with the demo guest.
// Each step is skipped when already done, so a second start is up in seconds.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDemoGuest } from './lib/demo-guest.mjs';
import { ensureBuild, ensureDependencies, repoRoot } from './lib/project.mjs';
import { ensurePackages, RUNTIME_PACKAGES } from './lib/system.mjs';

const log = (message) => console.log(`[virtdeck] ${message}`);

ensurePackages(RUNTIME_PACKAGES, log);
ensureDependencies(log);
ensureBuild(log);
const guest = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log });

const server = spawn(process.execPath, [path.join(repoRoot, 'apps/server/dist/main.js')], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    VIRTDECK_WEB_ROOT: process.env.VIRTDECK_WEB_ROOT ?? path.join(repoRoot, 'apps/web/dist'),
    VIRTDECK_DEMO_GUEST: JSON.stringify({ kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline }),
  },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
