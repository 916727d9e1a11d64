/**
 * Test support: the libvirt 11.3 conformance corpus that lives next to the repository
 * (../shared/conformance/libvirt-11.3) and the host capabilities fixture the corpus is
 * built against. Not exported from the package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDomain } from '@virtdeck/schema';
import { buildArgv } from '../buildArgv.js';
import type { HostCapabilities } from '../capabilities.js';
import type { QemuDiagnostic } from '../diagnostics.js';
import { formatCommandLine } from '../formatCommandLine.js';

/** Beside the checkout, or where VIRTDECK_CONFORMANCE_DIR says (a worktree or CI clone elsewhere). */
export const CONFORMANCE_DIR = process.env.VIRTDECK_CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../../../shared/conformance/libvirt-11.3', import.meta.url));

/** Why conformance tests are skipped, or undefined when the corpus is there. */
export function conformanceSkipReason(): string | undefined {
  return existsSync(`${CONFORMANCE_DIR}/argv/INDEX.tsv`)
    ? undefined
    : `the libvirt conformance corpus is not at ${CONFORMANCE_DIR} (it lives outside the repository, next to it)`;
}

export interface ConformanceCase {
  category: string;
  name: string;
  /** Path of the domain XML. */
  xmlPath: string;
  /** File name libvirt's expected command line has; ours is written under the same name. */
  argsFile: string;
  domainType: string;
  machine: string;
}

export function conformanceCases(): ConformanceCase[] {
  const lines = readFileSync(`${CONFORMANCE_DIR}/argv/INDEX.tsv`, 'utf8').trim().split('\n');
  const header = (lines.shift() ?? '').split('\t');
  const column = (name: string): number => header.indexOf(name);
  return lines.map((line) => {
    const cells = line.split('\t');
    const cell = (name: string): string => cells[column(name)] ?? '';
    return {
      category: cell('category'),
      name: cell('name'),
      xmlPath: `${CONFORMANCE_DIR}/argv/${cell('input')}`,
      argsFile: cell('expected_args'),
      domainType: cell('domain_type'),
      machine: cell('machine'),
    };
  });
}

/** Capabilities of the Debian 12 QEMU 7.2 these machines have, probed once and kept as a fixture. */
export function hostCapabilitiesFixture(): HostCapabilities {
  return JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/host-qemu-7.2.json', import.meta.url)), 'utf8')) as HostCapabilities;
}

/**
 * libvirt's test harness fixes the clock at 2009-02-13T23:31:30Z (epoch 1234567890) so that
 * `<clock offset='variable'>` gives a stable -rtc base; conformance runs use the same.
 */
export const LIBVIRT_TEST_NOW = 1234567890 * 1000;

export interface ConformanceRun {
  /** Diagnostics per case name. */
  diagnostics: Map<string, QemuDiagnostic[]>;
  argv: Map<string, string[]>;
}

/** Builds the argv of every corpus definition and writes it as NAME.x86_64-latest.args into `dir`. */
export function writeConformanceArgs(dir: string): ConformanceRun {
  const caps = hostCapabilitiesFixture();
  const run: ConformanceRun = { diagnostics: new Map(), argv: new Map() };
  for (const c of conformanceCases()) {
    const { domain, diagnostics } = parseDomain(readFileSync(c.xmlPath, 'utf8'));
    if (!domain) throw new Error(`${c.name}: the corpus definition did not parse: ${diagnostics.map((d) => d.message).join('; ')}`);
    const result = buildArgv(domain, caps, undefined, { now: LIBVIRT_TEST_NOW });
    run.diagnostics.set(c.name, result.diagnostics);
    run.argv.set(c.name, result.argv);
    writeFileSync(`${dir}/${c.argsFile}`, `${formatCommandLine(result.argv)}\n`);
  }
  return run;
}

export interface ConformanceScore {
  tests: number;
  exact: number;
  normExact: number;
  setPrecision: number;
  setRecall: number;
  setF1: number;
  namesRecall: number;
  /** score.py's own output, for the test log. */
  text: string;
}

/** Runs the corpus' scorer (tools/score.py) over a folder of .args files. */
export function scoreConformance(dir: string, list = false): ConformanceScore {
  const text = execFileSync('python3', [`${CONFORMANCE_DIR}/tools/score.py`, dir, ...(list ? ['--list'] : [])], { encoding: 'utf8' });
  const figure = (name: string): number => {
    const match = new RegExp(`^${name}\\s+([0-9.]+)$`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`score.py printed no ${name}:\n${text}`);
    return Number(match[1]);
  };
  return {
    tests: figure('tests'),
    exact: figure('exact'),
    normExact: figure('norm_exact'),
    setPrecision: figure('set_precision'),
    setRecall: figure('set_recall'),
    setF1: figure('set_f1'),
    namesRecall: figure('names_recall'),
    text,
  };
}
