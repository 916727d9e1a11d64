/**
 * Golden command lines: every project fixture (packages/schema/fixtures/valid/NAME.xml) has
 * packages/qemu/fixtures/NAME.args with the argv it becomes, compared exactly, so that any
 * argv change shows up as a diff in review. A fixture without its .args, or an .args without
 * its fixture, fails the suite. `VIRTDECK_UPDATE_GOLDEN=1` rewrites the files. The host has
 * the network fixtures (packages/schema/fixtures/networks/valid) defined and a bridge br0.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseDomain, parseNetwork, type Network } from '@virtdeck/schema';
import type { NetworkHost } from './build/context.js';
import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { shellQuote } from './formatCommandLine.js';
import { hostCapabilitiesFixture, LIBVIRT_TEST_NOW } from './testing/conformance.js';

const DEFINITIONS = new URL('../../schema/fixtures/valid/', import.meta.url);
const NETWORKS = new URL('../../schema/fixtures/networks/valid/', import.meta.url);
const GOLDEN = new URL('../fixtures/', import.meta.url);
const update = process.env.VIRTDECK_UPDATE_GOLDEN === '1';

/** libvirt's .args layout: environment first, then one option (with its value) a line. */
function formatArgs(argv: readonly string[], env: Record<string, string>): string {
  const lines = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  argv.forEach((word, i) => {
    const quoted = shellQuote(word);
    const previous = lines.length > 0 ? lines[lines.length - 1] : undefined;
    const isValue = i > 0 && !word.startsWith('-') && previous !== undefined && argv[i - 1]?.startsWith('-') === true;
    if (isValue) lines[lines.length - 1] = `${previous} ${quoted}`;
    else lines.push(quoted);
  });
  return `${lines.join(' \\\n')}\n`;
}

const definitions = readdirSync(DEFINITIONS).filter((f) => f.endsWith('.xml')).sort().map((f) => f.replace(/\.xml$/, ''));
const goldens = readdirSync(GOLDEN).filter((f) => f.endsWith('.args')).map((f) => f.replace(/\.args$/, ''));
const caps = hostCapabilitiesFixture();
const networks: NetworkHost = {
  networks: new Map(
    readdirSync(NETWORKS)
      .map((f) => parseNetwork(readFileSync(new URL(f, NETWORKS), 'utf8')).network)
      .filter((n): n is Network => n !== undefined)
      .map((n) => [n.name ?? '', n]),
  ),
  bridges: new Set(['br0']),
  privileged: true,
};

describe('golden command lines', () => {
  it('has one .args for every fixture and none without one', () => {
    if (update) return;
    expect(goldens.filter((name) => !definitions.includes(name)), 'stray .args').toEqual([]);
    expect(definitions.filter((name) => !goldens.includes(name)), 'fixtures without .args').toEqual([]);
  });

  it.each(definitions)('%s: the argv is its golden .args', (name) => {
    const { domain, diagnostics } = parseDomain(readFileSync(new URL(`${name}.xml`, DEFINITIONS), 'utf8'));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!domain) throw new Error(`${name}.xml did not parse`);
    const result = buildArgv(domain, caps, undefined, { now: LIBVIRT_TEST_NOW, networks });
    const actual = formatArgs(result.argv, result.env);
    const file = new URL(`${name}.args`, GOLDEN);
    if (update) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
