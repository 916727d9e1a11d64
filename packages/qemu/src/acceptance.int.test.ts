/**
 * Does QEMU accept what buildArgv gives it? Starts the real qemu-system-x86_64, stopped
 * (-S), with the argv of each of the 150 libvirt corpus definitions and asks over QMP for
 * its state: "prelaunch" means QEMU took the whole command line. Host resources the
 * definitions name are replaced by local stand-ins or left out, and the test output lists
 * those changes and QEMU's message for every definition it refused.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { parseDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { conformanceCases, conformanceSkipReason, hostCapabilitiesFixture, LIBVIRT_TEST_NOW } from './testing/conformance.js';
import { substituteHostResources } from './testing/hostSubstitutes.js';
import { launchAndQueryStatus } from './testing/launchCheck.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const CONCURRENCY = 2;
const ACCEPTANCE_FLOOR = 0.9;

interface Outcome {
  name: string;
  accepted: boolean;
  notes: string[];
  message: string;
}

const skip = conformanceSkipReason() ?? (existsSync(QEMU) ? undefined : `${QEMU} is not installed`);
if (skip) console.warn(`Skipping QEMU's acceptance of the corpus command lines: ${skip}`);

describe.skipIf(skip !== undefined)(`QEMU accepts the corpus command lines${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it(`starts at least ${ACCEPTANCE_FLOOR * 100}% of the 150 definitions to prelaunch`, { timeout: 600_000 }, async () => {
    const caps = hostCapabilitiesFixture();
    const cases = conformanceCases();
    const outcomes: Outcome[] = [];

    const runOne = async (index: number): Promise<void> => {
      const c = cases[index];
      if (!c) return;
      // Short folder: the QMP socket path must stay under 107 bytes.
      const dir = mkdtempSync('/tmp/vdq-');
      try {
        const { domain } = parseDomain(readFileSync(c.xmlPath, 'utf8'));
        if (!domain) throw new Error('did not parse');
        const qmpSocket = `${dir}/qmp.sock`;
        // Everything runs under TCG: KVM guests hang on these (nested) hosts.
        const tcg = domain.type === 'qemu' ? domain : { ...domain, type: 'qemu' };
        const built = buildArgv(tcg, caps, { qmpSocket }, { now: LIBVIRT_TEST_NOW });
        const sub = await substituteHostResources(built.argv, dir);
        if (tcg !== domain) sub.notes.unshift(`run under TCG instead of ${domain.type}`);
        try {
          const outcome = await launchAndQueryStatus(sub.argv, qmpSocket, { cwd: dir, timeoutMs: 20_000 });
          outcomes.push({
            name: c.name,
            accepted: outcome.status === 'prelaunch',
            notes: sub.notes,
            message: outcome.status === undefined ? outcome.stderr : `state ${outcome.status}`,
          });
        } finally {
          for (const server of sub.servers) server.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) await runOne(next++);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const accepted = outcomes.filter((o) => o.accepted);
    const refused = outcomes.filter((o) => !o.accepted);
    const lines = [`QEMU accepted ${accepted.length} of ${outcomes.length} command lines (${((100 * accepted.length) / outcomes.length).toFixed(1)}%).`];
    for (const o of refused.sort((a, b) => a.name.localeCompare(b.name))) lines.push(`  refused ${o.name}: ${o.message.replaceAll('\n', ' | ')}`);
    const substituted = outcomes.filter((o) => o.notes.length > 0);
    lines.push(`Host resources replaced or left out in ${substituted.length} definitions:`);
    for (const o of substituted.sort((a, b) => a.name.localeCompare(b.name))) lines.push(`  ${o.name}: ${[...new Set(o.notes)].join('; ')}`);
    console.log(lines.join('\n'));

    expect(outcomes).toHaveLength(cases.length);
    expect(accepted.length / outcomes.length).toBeGreaterThanOrEqual(ACCEPTANCE_FLOOR);
  });
});
