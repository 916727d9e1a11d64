/**
 * Writes virtdeck's argv for the libvirt conformance corpus into a folder and scores it:
 *   npm run conformance -w @virtdeck/qemu -- [DIR] [--list]
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conformanceSkipReason, scoreConformance, writeConformanceArgs } from '../src/testing/conformance.js';

const skip = conformanceSkipReason();
if (skip) {
  // A user's clone has no corpus: the other benches still run, so this one says why it has no figures.
  console.log(`conformance scoring skipped: ${skip}`);
  process.exit(0);
}
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? mkdtempSync(path.join(os.tmpdir(), 'virtdeck-conformance-'));
mkdirSync(dir, { recursive: true });
const run = writeConformanceArgs(dir);
console.log(`wrote ${run.argv.size} command lines to ${dir}`);
console.log(scoreConformance(dir, args.includes('--list')).text.trimEnd());
