#!/usr/bin/env node
// `npm test`: set-up, then typecheck, lint, unit, integration and end-to-end tests.
// Every step runs even when an earlier one fails, and the run ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureDemoGuest } from './lib/demo-guest.mjs';
import { ensureBuild, ensureDependencies, repoRoot } from './lib/project.mjs';
import { ensurePackages, ensureQemuUser, TEST_PACKAGES } from './lib/system.mjs';

const log = (message) => console.log(`[virtdeck test] ${message}`);
const started = Date.now();

ensurePackages(TEST_PACKAGES, log);
ensureQemuUser(log);
ensureDependencies(log);
ensureBuild(log);
await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log });

const reports = path.join(repoRoot, 'test-results', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

/** Runs one step; returns its counts (a check without test counts is one test). */
function step(name, command, args, { env = {}, counts } = {}) {
  log(`── ${name}: ${command} ${args.join(' ')}`);
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  const seconds = ((Date.now() - t0) / 1000).toFixed(0);
  const tally = counts?.() ?? { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  // A runner that crashed before writing its report still counts as a failure.
  if (!ok && tally.failed === 0) tally.failed = 1;
  log(`── ${name}: ${ok ? 'ok' : 'FAILED'} in ${seconds}s (${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ''})`);
  return { name, ok, ...tally };
}

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
const vitestCounts = (file) => () => {
  const r = readJson(file);
  return r ? { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests } : { passed: 0, failed: 1, skipped: 0 };
};
const playwrightCounts = (file) => () => {
  const r = readJson(file);
  return r ? { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped } : { passed: 0, failed: 1, skipped: 0 };
};
const vitest = (project, file) => ['vitest', 'run', '-c', 'scripts/vitest.config.ts', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`];

const unitReport = path.join(reports, 'unit.json');
const integrationReport = path.join(reports, 'integration.json');
const e2eReport = path.join(reports, 'e2e.json');
const results = [
  step('typecheck', 'npm', ['run', '--silent', 'typecheck']),
  step('lint', 'npm', ['run', '--silent', 'lint']),
  step('unit', 'npx', vitest('*:unit', unitReport), { counts: vitestCounts(unitReport) }),
  step('integration', 'npx', vitest('*:integration', integrationReport), { counts: vitestCounts(integrationReport) }),
  // playwright.config.ts writes its JSON report to test-results/reports/e2e.json.
  step('e2e', 'npx', ['playwright', 'test'], { counts: playwrightCounts(e2eReport) }),
];

const sum = (key) => results.reduce((n, r) => n + r[key], 0);
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const detail = results.map((r) => `${r.name} ${r.ok ? 'ok' : 'FAILED'}`).join(', ');
console.log(`\nvirtdeck test summary: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped (${detail}) in ${minutes} min`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
