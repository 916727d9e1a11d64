/**
 * How long buildArgv takes: the 150 libvirt corpus definitions, each parsed once and built
 * many times; prints the median microseconds per definition (and the spread). Where the
 * corpus is absent (a user's clone) the project's own valid fixtures are measured instead.
 *   npm run bench -w @virtdeck/qemu
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseDomain, type Domain } from '@virtdeck/schema';
import { buildArgv } from '../src/buildArgv.js';
import { conformanceCases, conformanceSkipReason, hostCapabilitiesFixture, LIBVIRT_TEST_NOW } from '../src/testing/conformance.js';

const ROUNDS = 200;
const WARMUP = 20;

/** The schema package's own valid fixtures: one per element family, written for this project. */
const OWN_FIXTURES = fileURLToPath(new URL('../../schema/fixtures/valid/', import.meta.url));

const skip = conformanceSkipReason();
if (skip) console.log(`${skip}: measuring the project's own fixtures instead`);
const sources: Array<{ name: string; path: string }> = skip
  ? readdirSync(OWN_FIXTURES)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => ({ name: f.slice(0, -'.xml'.length), path: OWN_FIXTURES + f }))
  : conformanceCases().map((c) => ({ name: c.name, path: c.xmlPath }));
const corpus = skip ? 'project fixture' : 'libvirt corpus';

const caps = hostCapabilitiesFixture();
const domains: Array<{ name: string; domain: Domain }> = sources.map(({ name, path }) => {
  const { domain } = parseDomain(readFileSync(path, 'utf8'));
  if (!domain) throw new Error(`${name} did not parse`);
  return { name, domain };
});

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

const perDefinition: Array<{ name: string; us: number }> = [];
for (const { name, domain } of domains) {
  for (let i = 0; i < WARMUP; i++) buildArgv(domain, caps, undefined, { now: LIBVIRT_TEST_NOW });
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    buildArgv(domain, caps, undefined, { now: LIBVIRT_TEST_NOW });
    samples.push((performance.now() - t0) * 1000);
  }
  perDefinition.push({ name, us: median(samples) });
}

const all = perDefinition.map((d) => d.us);
const slowest = [...perDefinition].sort((a, b) => b.us - a.us).slice(0, 3);
console.log(`buildArgv over ${domains.length} ${corpus} definitions (${ROUNDS} runs each, median per definition):`);
console.log(`  median ${median(all).toFixed(1)} µs   p90 ${percentile(all, 90).toFixed(1)} µs   max ${Math.max(...all).toFixed(1)} µs`);
console.log(`  all ${domains.length} in ${(all.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} ms`);
console.log(`  slowest: ${slowest.map((d) => `${d.name} ${d.us.toFixed(1)} µs`).join(', ')}`);
