/**
 * Pre-flight, before QEMU starts and before anything is opened or created: every host file
 * the definition names exists and is of the kind and access it needs; files the start would
 * empty are pointed out; and every image's header names no file the definition does not
 * (libvirt probes the chain the same way, `qemu-img info`), so that QEMU opens only what the
 * definition names; and the host can give the tuning asked for (hostTuning.ts). Diagnostics
 * are host-scope: warnings while editing, errors at start.
 */
import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { QemuDiagnostic } from '@virtdeck/qemu';
import type { Disk, Domain, QuickFix, XmlElement } from '@virtdeck/schema';
import { describeError, VirtdeckError } from '../errors.js';
import { escapeXml } from '../templates/xmlText.js';
import { collectHostFiles, HOST_FILE_ROLES, type HostFile } from './hostFiles.js';
import { checkHostTuning, hostTuningFacts } from './hostTuning.js';
import { ImageProbe } from './imageProbe.js';

export interface PreflightResult {
  diagnostics: QemuDiagnostic[];
  /** The files the start hands to QEMU (those missing but optional left out). */
  files: HostFile[];
  /** Disks whose image chain, as probed, ends where the definition's ends: QEMU is told so (backing: null). */
  probedChainEnds: Disk[];
}

export interface PreflightOptions {
  probe: ImageProbe;
  /** What relative paths are relative to: QEMU's working directory (the guest's run folder). */
  baseDir: string;
}

export async function preflight(domain: Domain, options: PreflightOptions): Promise<PreflightResult> {
  const diagnostics: QemuDiagnostic[] = [];
  const files: HostFile[] = [];
  const stats = new Map<HostFile, Stats>();
  const all = collectHostFiles(domain);
  await Promise.all(
    all.map(async (file) => {
      const absolute = path.resolve(options.baseDir, file.path);
      const outcome = await checkFile(file, absolute);
      if (outcome.diagnostic) diagnostics.push(outcome.diagnostic);
      if (outcome.stat) stats.set(file, outcome.stat);
      if (outcome.use) files.push(file);
    }),
  );
  const probedChainEnds: Disk[] = [];
  for (const disk of domain.devices.disks) {
    const chain = await checkChain(disk, all, stats, options);
    diagnostics.push(...chain.diagnostics);
    if (chain.ended) probedChainEnds.push(disk);
  }
  diagnostics.push(...checkHostTuning(domain, await hostTuningFacts()));
  files.sort((a, b) => all.indexOf(a) - all.indexOf(b));
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { diagnostics, files, probedChainEnds };
}

/**
 * Tells QEMU where a probed chain ends (libvirt's `backing: null`), so that it never looks
 * for a backing file of its own; mutates the launch model.
 */
export function endProbedChains(disks: readonly Disk[]): void {
  for (const disk of disks) disk.backingChain.push({ node: disk.node });
}

/** The start error for pre-flight errors: the first one in words, all of them as diagnostics. */
export function preflightFailure(name: string, diagnostics: readonly QemuDiagnostic[]): VirtdeckError | undefined {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  if (!first) return undefined;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new VirtdeckError('host-file', `'${name}' cannot be started: ${first.message}${more}`, { diagnostics: errors });
}

function diagnostic(severity: QemuDiagnostic['severity'], code: QemuDiagnostic['code'], node: XmlElement, message: string, fixes?: QuickFix[]): QemuDiagnostic {
  const d: QemuDiagnostic = { severity, scope: 'host', code, message, range: node.range };
  if (fixes && fixes.length > 0) d.fixes = fixes;
  return d;
}

const what = (file: HostFile): string => `The ${HOST_FILE_ROLES[file.role]} ${file.path} (${file.where})`;

interface FileOutcome {
  diagnostic?: QemuDiagnostic;
  stat?: Stats;
  /** The start hands this file to QEMU. */
  use: boolean;
}

async function checkFile(file: HostFile, absolute: string): Promise<FileOutcome> {
  const error = (message: string): FileOutcome => ({ diagnostic: diagnostic('error', 'host-file', file.node, message), use: false });
  let stat: Stats | undefined;
  try {
    stat = await fs.stat(absolute);
  } catch (caught) {
    const code = (caught as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return error(`${what(file)} cannot be reached: ${describeError(caught)}.`);
  }
  if (file.use === 'create' || file.use === 'socket') return checkCreated(file, absolute, stat);
  if (!stat) {
    if (file.optional) {
      const then = file.role === 'nvram' ? 'it is made from the template at the start' : "the drive starts empty (startupPolicy='optional')";
      return { diagnostic: diagnostic('info', 'host-file', file.node, `${what(file)} does not exist: ${then}.`), use: file.role === 'nvram' };
    }
    return error(`${what(file)} does not exist.`);
  }
  const kindOk = file.kind === 'directory' ? stat.isDirectory() : file.kind === 'block' ? stat.isBlockDevice() : stat.isFile() || stat.isBlockDevice();
  if (!kindOk) {
    const expected = file.kind === 'directory' ? 'a directory' : file.kind === 'block' ? 'a block device' : 'a regular file or block device';
    return error(`${what(file)} is ${describeKind(stat)}, not ${expected}.`);
  }
  const mode = file.use === 'write' ? constants.R_OK | constants.W_OK : constants.R_OK;
  try {
    await fs.access(absolute, mode);
  } catch (caught) {
    return error(`${what(file)} cannot be ${file.use === 'write' ? 'written' : 'read'}: ${describeError(caught)}.`);
  }
  return { stat, use: true };
}

/** A file QEMU creates or replaces: the start must not destroy anything it was not asked to. */
async function checkCreated(file: HostFile, absolute: string, stat: Stats | undefined): Promise<FileOutcome> {
  const error = (message: string): FileOutcome => ({ diagnostic: diagnostic('error', 'host-file', file.node, message), use: false });
  if (file.use === 'socket') {
    if (stat && !stat.isSocket()) return error(`${what(file)} is ${describeKind(stat)}: QEMU would delete it to listen there. Choose another path.`);
  } else if (stat) {
    if (!stat.isFile() && !stat.isCharacterDevice()) return error(`${what(file)} is ${describeKind(stat)}, not a file QEMU can write to.`);
    try {
      await fs.access(absolute, constants.W_OK);
    } catch (caught) {
      return error(`${what(file)} cannot be written: ${describeError(caught)}.`);
    }
    if (file.truncate && stat.isFile() && stat.size > 0) {
      const fix: QuickFix = { title: "Append instead (append='on')", edits: [{ range: { start: file.node.nameRange.end, end: file.node.nameRange.end }, newText: " append='on'" }] };
      const message = `${what(file)} exists (${stat.size} bytes): the start empties it, since append is off. Add append='on' to keep what it holds.`;
      return { diagnostic: diagnostic('warning', 'host-file-overwritten', file.node, message, [fix]), stat, use: true };
    }
    return { stat, use: true };
  }
  const parent = path.dirname(absolute);
  try {
    const dir = await fs.stat(parent);
    if (!dir.isDirectory()) return error(`${what(file)} cannot be created: ${parent} is not a directory.`);
    await fs.access(parent, constants.W_OK);
  } catch (caught) {
    return error(`${what(file)} cannot be created in ${parent}: ${describeError(caught)}.`);
  }
  return { stat, use: true };
}

function describeKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'a regular file';
}

/**
 * Probes each image of a disk that is in a format with a header, top down. Where the
 * definition's chain stops without saying so (no `<backingStore>`), the image must name no
 * backing file: QEMU would otherwise open it on its own. Files besides the chain (a qcow2
 * data file, vmdk extents) are refused: the definition has no way to name them here.
 */
async function checkChain(disk: Disk, all: HostFile[], stats: Map<HostFile, Stats>, options: PreflightOptions): Promise<{ diagnostics: QemuDiagnostic[]; ended: boolean }> {
  const diagnostics: QemuDiagnostic[] = [];
  const named = disk.backingChain.filter((b) => b.source);
  const layers = all.filter((f) => f.disk === disk);
  // Only chains made of local images are probed (the top and each named layer has a file).
  if (layers.length !== named.length + (disk.source ? 1 : 0) || layers.some((f) => f.kind === 'directory')) return { diagnostics, ended: false };
  const formats = [disk.driver?.type ?? 'raw', ...named.map((b) => b.format ?? 'raw')];
  let ended = false;
  for (const [i, layer] of layers.entries()) {
    if (!stats.has(layer)) return { diagnostics, ended: false };
    const format = formats[i] ?? 'raw';
    const next = disk.backingChain[i];
    if (!ImageProbe.needsProbe(format)) {
      if (!next) ended = true;
      continue;
    }
    const absolute = path.resolve(options.baseDir, layer.path);
    let facts;
    try {
      facts = await options.probe.facts(absolute, format);
    } catch (caught) {
      diagnostics.push(diagnostic('error', 'host-file', layer.node, `${what(layer)} cannot be opened as ${format}: ${describeError(caught)}.`));
      return { diagnostics, ended: false };
    }
    for (const other of facts.others) {
      diagnostics.push(diagnostic('error', 'backing-chain', layer.node, `${what(layer)} names ${other} as a file QEMU would open with it (a data file or extent), which virtdeck does not open for a definition.`));
    }
    if (next) continue;
    if (facts.backing) {
      const backingFormat = facts.backingFormat ?? 'raw';
      const snippet = `\n<backingStore type='file'>\n  <format type='${escapeXml(backingFormat)}'/>\n  <source file='${escapeXml(facts.backing)}'/>\n</backingStore>`;
      const at = layer.node.range.end;
      const fix: QuickFix = { title: `Name the backing file ${facts.backing}`, edits: [{ range: { start: at, end: at }, newText: snippet }], isPreferred: true };
      diagnostics.push(
        diagnostic(
          'error',
          'backing-chain',
          layer.node,
          `${what(layer)} names the backing file ${facts.backing}, which the definition does not: QEMU would open it on its own. Name it in a <backingStore> of this disk (or end the chain with <backingStore/> if the image does not need it).`,
          [fix],
        ),
      );
      return { diagnostics, ended: false };
    }
    ended = true;
  }
  return { diagnostics, ended };
}
