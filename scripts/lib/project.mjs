// Keeps a checkout ready to run: dependencies installed, TypeScript and the web app built.
// Each step is skipped when its output is already up to date, so a second `npm start` is quick.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './system.mjs';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function ensureDependencies(log = console.log) {
  const lock = path.join(repoRoot, 'package-lock.json');
  const installed = path.join(repoRoot, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  log('Installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund'], process.env, { cwd: repoRoot });
}

/** The web bundle is rebuilt only when one of its inputs changed. */
const WEB_INPUTS = ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/build', 'apps/web/package.json', 'packages/schema/src', 'packages/schema/package.json', 'packages/qemu/src', 'packages/qemu/package.json', 'package-lock.json'];

export function ensureBuild(log = console.log) {
  // tsc -b is incremental: a no-op check when nothing changed.
  run('npx', ['tsc', '-b', 'apps/server'], process.env, { cwd: repoRoot });
  const stamp = path.join(repoRoot, 'apps/web/dist/.inputs');
  const fingerprint = fingerprintOf(WEB_INPUTS.map((p) => path.join(repoRoot, p)));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return;
  log('Building the web app…');
  run('npm', ['run', 'build', '-w', '@virtdeck/web'], process.env, { cwd: repoRoot });
  writeFileSync(stamp, fingerprint);
}

function fingerprintOf(roots) {
  const hash = createHash('sha256');
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const entry of readdirSync(p).sort()) visit(path.join(p, entry));
    } else {
      hash.update(`${path.relative(repoRoot, p)}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  roots.forEach(visit);
  return hash.digest('hex');
}
