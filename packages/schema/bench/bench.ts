/**
 * Speed of parse + validate, in process, against xmllint with libvirt's RelaxNG schema.
 *   npm run bench -w @virtdeck/schema
 * Figures only: nothing here fails on a number.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateDomain } from '../src/index.js';

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

/** Median time of `runs` calls after `warmup` calls, in ms. */
function time(fn: () => unknown, runs: number, warmup = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** A realistic domain of about `lines` lines: the demo guest with more disks, NICs and channels. */
function domainOfLines(lines: number): string {
  const head = [
    "<domain type='kvm'>",
    '  <name>bench</name>',
    '  <uuid>4d0f1c8e-7a53-4c1b-9b7e-0f3a2d6c5e11</uuid>',
    "  <memory unit='GiB'>4</memory>",
    "  <currentMemory unit='GiB'>4</currentMemory>",
    "  <vcpu placement='static'>4</vcpu>",
    '  <os>',
    "    <type arch='x86_64' machine='q35'>hvm</type>",
    "    <boot dev='hd'/>",
    '  </os>',
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    "  <cpu mode='host-passthrough'>",
    "    <topology sockets='1' cores='2' threads='2'/>",
    '  </cpu>',
    "  <clock offset='utc'/>",
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    '    <emulator>/usr/bin/qemu-system-x86_64</emulator>',
    "    <controller type='pci' index='0' model='pcie-root'/>",
    "    <controller type='virtio-serial' index='0'/>",
    "    <serial type='pty'>",
    "      <target port='0'/>",
    '    </serial>',
    "    <console type='pty'>",
    "      <target type='serial' port='0'/>",
    '    </console>',
  ];
  const tail = ["    <memballoon model='virtio'/>", '  </devices>', '</domain>'];
  const body: string[] = [];
  let n = 0;
  const letters = (i: number) => (i < 26 ? String.fromCharCode(97 + i) : letters(Math.floor(i / 26) - 1) + String.fromCharCode(97 + (i % 26)));
  while (head.length + body.length + tail.length < lines) {
    const kind = n % 3;
    if (kind === 0) {
      body.push(
        "    <disk type='file' device='disk'>",
        "      <driver name='qemu' type='qcow2' cache='none'/>",
        `      <source file='/var/lib/libvirt/images/disk${n}.qcow2'/>`,
        `      <target dev='vd${letters(n)}' bus='virtio'/>`,
        '    </disk>',
      );
    } else if (kind === 1) {
      const mac = (n % 256).toString(16).padStart(2, '0');
      const mac2 = Math.floor(n / 256).toString(16).padStart(2, '0');
      body.push("    <interface type='network'>", `      <mac address='52:54:00:00:${mac2}:${mac}'/>`, "      <source network='default'/>", "      <model type='virtio'/>", '    </interface>');
    } else {
      body.push("    <channel type='unix'>", `      <target type='virtio' name='org.example.channel.${n}'/>`, '    </channel>');
    }
    n++;
  }
  return [...head, ...body, ...tail].join('\n') + '\n';
}

function row(label: string, value: string): void {
  console.log(`  ${label.padEnd(44)} ${value}`);
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

if (!existsSync(CORPUS)) {
  console.log(`libvirt corpus not found at ${CORPUS}: corpus figures skipped`);
}
const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort() : [];
const texts = files.map((f) => readFileSync(CORPUS + f, 'utf8'));

console.log('@virtdeck/schema: parse + validate (validateDomain), in process');
let ours = Number.NaN;
if (texts.length > 0) {
  const perDocument = texts.map((text) => time(() => validateDomain(text), 30));
  ours = median(perDocument);
  const lines = texts.map((t) => t.split('\n').length);
  row(`libvirt argv corpus (${texts.length} documents)`, `median ${ms(ours)}, p95 ${ms(percentile(perDocument, 95))}, max ${ms(Math.max(...perDocument))}`);
  row('  lines per document', `median ${median(lines)}, max ${Math.max(...lines)}`);
  const errors = texts.filter((t) => !validateDomain(t).valid).length;
  row('  documents with errors', String(errors));
}
for (const lines of [100, 2000]) {
  const text = domainOfLines(lines);
  const result = validateDomain(text);
  const runs = lines > 1000 ? 50 : 300;
  row(`${text.split('\n').length - 1}-line domain (${(text.length / 1024).toFixed(1)} KiB, ${result.valid ? 'valid' : 'INVALID'})`, ms(time(() => validateDomain(text), runs, 20)));
}

console.log(`\nxmllint --noout --relaxng ${RNG}, all documents in one process`);
if (!existsSync(RNG)) {
  console.log(`  ${RNG} not found (install Debian's libvirt packages): xmllint column skipped`);
} else if (texts.length === 0) {
  console.log('  no corpus: skipped');
} else {
  const run = (paths: string[]) => {
    const start = performance.now();
    try {
      execFileSync('xmllint', ['--noout', '--relaxng', RNG, ...paths], { stdio: 'ignore' });
    } catch {
      // xmllint exits non-zero when a document fails libvirt's (older) schema; the time still counts
    }
    return performance.now() - start;
  };
  const paths = files.map((f) => CORPUS + f);
  const total = median([run(paths), run(paths), run(paths)]);
  const one = median([run(paths.slice(0, 1)), run(paths.slice(0, 1)), run(paths.slice(0, 1))]);
  const perDocument = total / paths.length;
  const perDocumentAfterStartup = Math.max(0, total - one) / (paths.length - 1);
  row(`total for ${paths.length} documents`, ms(total));
  row('per document', ms(perDocument));
  row('per document, schema loading left out', ms(perDocumentAfterStartup));
  if (!Number.isNaN(ours)) {
    console.log('\nratio (xmllint ÷ virtdeck, per document)');
    row('including xmllint start-up', `${(perDocument / ours).toFixed(1)}×`);
    row('xmllint start-up left out', `${(perDocumentAfterStartup / ours).toFixed(1)}×`);
  }
}
