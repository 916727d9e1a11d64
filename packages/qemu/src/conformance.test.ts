/**
 * virtdeck against libvirt: the argv of the 150 corpus definitions, scored by the corpus'
 * own tools/score.py. The floors are the level reached; raise them when the score improves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceSkipReason, scoreConformance, writeConformanceArgs } from './testing/conformance.js';

// 0.985: SPICE without a password gets disable-ticketing=on, as libvirt gives it; libvirt's own test
// configuration sets spice_password, so its expected command lines lack it.
const SET_F1_FLOOR = 0.985;
const NAMES_RECALL_FLOOR = 0.995;

const skip = conformanceSkipReason();
if (skip) console.warn(`Skipping the libvirt argv scoring: ${skip}`);

describe.skipIf(skip !== undefined)(`libvirt 11.3 conformance${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-conformance-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`scores set_f1 >= ${SET_F1_FLOOR} and names_recall >= ${NAMES_RECALL_FLOOR} with score.py`, () => {
    const run = writeConformanceArgs(dir);
    expect(run.argv.size).toBe(150);
    const score = scoreConformance(dir);
    console.log(`score.py ${dir}\n${score.text.trimEnd()}`);
    expect(score.tests).toBe(150);
    expect(score.setF1).toBeGreaterThanOrEqual(SET_F1_FLOOR);
    expect(score.namesRecall).toBeGreaterThanOrEqual(NAMES_RECALL_FLOOR);
    // Building 150 command lines and running score.py takes seconds on a busy 2-core machine.
  }, 60_000);
});
