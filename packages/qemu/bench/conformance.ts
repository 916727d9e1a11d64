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
  console.error(skip);
  process.exit(1);
}
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? mkdtempSync(path.join(os.tmpdir(), 'virtdeck-conformance-'));
mkdirSync(dir, { recursive: true });
const run = writeConformanceArgs(dir);
console.log(`wrote ${run.argv.size} command lines to ${dir}`);
console.log(scoreConformance(dir, args.includes('--list')).text.trimEnd());
