/**
 * Speed of parse + validate, in process, against xmllint with libvirt's RelaxNG schema.
 *   npm run bench -w @virtdeck/schema
 * Wall-clock times, each the best of several repetitions so that other work on a shared
 * machine counts as little as possible (CPU time would not do: it adds node's GC and compiler
 * threads, which xmllint does not have). Figures only: nothing here fails on a number.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// the compiled package, as the server and the browser run it (the script builds it first)
import { validateDomain } from '../dist/index.js';
import { domainOfLines } from './generate.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/conformance/libvirt-11.3/argv/', import.meta.url));
const RNG = '/usr/share/libvirt/schemas/domain.rng';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Mean wall time of one call in ms: the best of `batches` batches of `runs` calls, after a warm-up. */
function time(fn: () => unknown, runs: number, batches = 5, warmup = 20): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < runs; i++) fn();
    best = Math.min(best, (performance.now() - start) / runs);
  }
  return best;
}

function row(label: string, value: string): void {
  console.log(`  ${label.padEnd(46)} ${value}`);
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort() : [];
if (files.length === 0) console.log(`libvirt corpus not found at ${CORPUS}: corpus figures skipped`);
const texts = files.map((f) => readFileSync(CORPUS + f, 'utf8'));

console.log('@virtdeck/schema: parse + validate (validateDomain), in process');
let ours: number | undefined;
if (texts.length > 0) {
  // warm the whole pipeline first, as an editor session or a running server would be
  for (let round = 0; round < 20; round++) for (const text of texts) validateDomain(text);
  const perDocument = texts.map((text) => time(() => validateDomain(text), 20, 9));
  ours = median(perDocument);
  row(`libvirt argv corpus (${texts.length} documents), per document`, `median ${ms(ours)}, p95 ${ms(percentile(perDocument, 95))}, max ${ms(Math.max(...perDocument))}`);
  const lines = texts.map((t) => t.split('\n').length - 1);
  row('lines per document', `median ${median(lines)}, max ${Math.max(...lines)}`);
  row('documents with errors', String(texts.filter((t) => !validateDomain(t).valid).length));
}
for (const lines of [100, 2000]) {
  const text = domainOfLines(lines);
  const result = validateDomain(text);
  const label = `${text.split('\n').length - 1}-line domain (${(text.length / 1024).toFixed(1)} KiB, ${result.valid ? 'valid' : 'INVALID'})`;
  row(label, ms(time(() => validateDomain(text), lines > 1000 ? 20 : 200, 7)));
}

console.log(`\nxmllint --noout --relaxng ${RNG}, all documents in one process`);
if (!existsSync(RNG)) {
  console.log(`  ${RNG} not found (install Debian's libvirt packages): xmllint column skipped`);
} else if (texts.length === 0) {
  console.log('  no corpus: skipped');
} else {
  /** Wall time of one xmllint process over `paths`, best of `repeat` runs, in ms. */
  const xmllint = (paths: string[], repeat = 7): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < repeat; i++) {
      const start = performance.now();
      spawnSync('xmllint', ['--noout', '--relaxng', RNG, ...paths], { stdio: 'ignore' });
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  const paths = files.map((f) => CORPUS + f);
  const total = xmllint(paths);
  const oneDocument = xmllint(paths.slice(0, 1));
  const perDocument = total / paths.length;
  const afterStartup = Math.max(0, total - oneDocument) / (paths.length - 1);
  row(`total for ${paths.length} documents`, ms(total));
  row('per document', ms(perDocument));
  row('per document, schema loading left out', ms(afterStartup));
  if (ours !== undefined) {
    console.log('\nratio (xmllint ÷ virtdeck per document; above 1 means virtdeck is faster)');
    row('xmllint as run (schema loaded once for all)', `${(perDocument / ours).toFixed(1)}×`);
    row('xmllint with schema loading left out', `${(afterStartup / ours).toFixed(1)}×`);
  }
}
