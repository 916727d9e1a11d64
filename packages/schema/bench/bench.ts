/**
 * Speed of parse + validate, in process, against xmllint with libvirt's RelaxNG schema.
 *   npm run bench -w @virtdeck/schema
 * Wall-clock times, each the best of several repetitions so that other work on a shared
 * machine counts as little as possible (CPU time would not do: it adds node's GC and compiler
 * threads, which xmllint does not have). Figures only: nothing here fails on a number.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// the compiled package, as the server and the browser run it (the script builds it first)
import { validateDomain } from '../dist/index.js';
import { domainOfLines } from './generate.js';
import { documentOf, SHAPES } from './shapes.js';

/** libvirt's test data beside the checkout (or where VIRTDECK_CONFORMANCE_DIR says); absent on a user's clone. */
const SHARED = process.env.VIRTDECK_CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../../shared/conformance/libvirt-11.3', import.meta.url));
const CORPUS = `${path.join(SHARED, 'argv')}/`;
const SHARED_RNG = path.join(SHARED, 'schemas', 'domain.rng');
// libvirt 11.3's schema where the reference data is here, else the one Debian's libvirt installs.
const RNG = existsSync(SHARED_RNG) ? SHARED_RNG : '/usr/share/libvirt/schemas/domain.rng';
// The project's set-up installs what this needs (xmllint) as it installs QEMU; plain JS, typed here.
const SYSTEM = new URL('../../../scripts/lib/system.mjs', import.meta.url).href;
type Package = { pkg: string; file: string };
const system = (await import(SYSTEM)) as { BENCH_PACKAGES: Package[]; ensurePackages: (packages: Package[]) => void };
system.ensurePackages(system.BENCH_PACKAGES);

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

/**
 * Scaling: each shape at several sizes, time per KiB, ours beside xmllint on the same file
 * (one process per file: its schema loading is the time of the 1 KiB file, left out per KiB).
 * Linear cost shows as a flat ms/KiB column. Sizes stop below the 4 MiB definition limit.
 */
const SIZES_KIB = [1, 16, 256, 1024, 4000];
console.log(`\nscaling: parse + validate per KiB (median of 3), beside xmllint --relaxng ${RNG}`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'virtdeck-bench-'));
/** Past this, xmllint is not run on the next size of the shape: its cost grows faster than linearly there. */
const XMLLINT_BUDGET_MS = 5000;
const lint = (file: string, repeat: number): { ms: number; ok: boolean; refused: boolean } => {
  const runs: number[] = [];
  let last: SpawnSyncReturns<string> | undefined;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    last = spawnSync('xmllint', ['--noout', '--relaxng', RNG, file], { encoding: 'utf8' });
    runs.push(performance.now() - start);
  }
  return { ms: median(runs), ok: last?.status === 0, refused: /parser error/.test(last?.stderr ?? '') };
};
try {
  for (const shape of SHAPES) {
    console.log(`  ${shape}`);
    let lintStartup: number | undefined;
    let lintSlow: number | undefined;
    for (const kib of SIZES_KIB) {
      const text = documentOf(shape, kib * 1024);
      const runs = kib >= 1024 ? 3 : 9;
      const times: number[] = [];
      let result = validateDomain(text);
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        result = validateDomain(text);
        times.push(performance.now() - start);
      }
      const ourMs = median(times);
      const actualKiB = Buffer.byteLength(text) / 1024;
      const file = path.join(dir, `${shape.replace(/ /g, '-')}-${kib}.xml`);
      writeFileSync(file, text);
      const ours = `ours ${ms(ourMs)} = ${(ourMs / actualKiB).toFixed(4)} ms/KiB`;
      const label = `    ${actualKiB.toFixed(0).padStart(5)} KiB (${result.diagnostics.length} diagnostics)`;
      if (lintSlow !== undefined) {
        row(label, `${ours} · xmllint not run: the size before took ${ms(lintSlow)}`);
        continue;
      }
      const theirs = lint(file, kib >= 256 ? 1 : 3);
      lintStartup ??= theirs.ms;
      if (theirs.ms > XMLLINT_BUDGET_MS) lintSlow = theirs.ms;
      const lintPerKiB = kib > 1 ? (theirs.ms - lintStartup) / (actualKiB - 1) : undefined;
      const verdict = theirs.refused ? 'xmllint refused it (parser limit)' : theirs.ok ? 'valid' : 'invalid';
      row(label, `${ours} · xmllint ${ms(theirs.ms)}${lintPerKiB !== undefined ? ` = ${lintPerKiB.toFixed(4)} ms/KiB after start-up` : ' (start-up + schema)'}, ${verdict}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
