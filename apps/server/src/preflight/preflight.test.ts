import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { applyEdits, parseDomain, type Domain } from '@virtdeck/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeXml } from '../templates/xmlText.js';
import { ImageProbe } from './imageProbe.js';
import { preflight } from './preflight.js';

let dir: string;
const probe = new ImageProbe();

function domainXml(devices: string, osExtra = ''): string {
  return `<domain type='qemu'>
  <name>pre</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>${osExtra}
  </os>
  <devices>
${devices}
  </devices>
</domain>`;
}

function parse(xml: string): Domain {
  const { domain } = parseDomain(xml);
  if (!domain) throw new Error('test definition did not parse');
  return domain;
}

const qcow2 = (file: string, backing?: string): void => {
  const args = ['create', '-q', '-f', 'qcow2', ...(backing ? ['-b', backing, '-F', 'qcow2'] : []), file, '16M'];
  execFileSync('qemu-img', args);
};

const disk = (file: string, format: string, inner = ''): string =>
  `    <disk type='file' device='disk'>
      <driver name='qemu' type='${format}'/>
      <source file='${escapeXml(file)}'/>${inner}
      <target dev='vda' bus='virtio'/>
    </disk>`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-preflight-'));
  qcow2(path.join(dir, 'base.qcow2'));
  qcow2(path.join(dir, 'top.qcow2'), path.join(dir, 'base.qcow2'));
  qcow2(path.join(dir, 'alone.qcow2'));
  await writeFile(path.join(dir, 'serial.log'), 'kept\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('preflight', () => {
  it('names the missing kernel and its element', async () => {
    const xml = domainXml('', `\n    <kernel>${dir}/no-such-kernel</kernel>`);
    const { diagnostics } = await preflight(parse(xml), { probe, baseDir: dir });
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({ severity: 'error', code: 'host-file' });
    expect(d?.message).toBe(`The kernel ${dir}/no-such-kernel (<kernel>) does not exist.`);
    expect(xml.slice(d?.range.start.offset, d?.range.end.offset)).toBe(`<kernel>${dir}/no-such-kernel</kernel>`);
  });

  it('refuses a qcow2 whose header names a backing file the definition does not, with a fix that names it', async () => {
    const top = path.join(dir, 'top.qcow2');
    const xml = domainXml(disk(top, 'qcow2'));
    const { diagnostics, probedChainEnds } = await preflight(parse(xml), { probe, baseDir: dir });
    expect(probedChainEnds).toHaveLength(0);
    const [d] = diagnostics;
    expect(d?.code).toBe('backing-chain');
    expect(d?.message).toContain(`The disk image ${top} (disk vda) names the backing file ${path.join(dir, 'base.qcow2')}, which the definition does not`);
    // The quick fix gives a definition that passes.
    const fixed = applyEdits(xml, d?.fixes?.[0]?.edits ?? []);
    const again = await preflight(parse(fixed), { probe, baseDir: dir });
    expect(again.diagnostics).toEqual([]);
    expect(again.probedChainEnds).toHaveLength(1);
  });

  it('accepts a chain that ends explicitly, and one that the probe shows to end', async () => {
    const top = path.join(dir, 'top.qcow2');
    const ended = await preflight(parse(domainXml(disk(top, 'qcow2', '\n      <backingStore/>'))), { probe, baseDir: dir });
    expect(ended.diagnostics).toEqual([]);
    const alone = await preflight(parse(domainXml(disk(path.join(dir, 'alone.qcow2'), 'qcow2'))), { probe, baseDir: dir });
    expect(alone.diagnostics).toEqual([]);
    expect(alone.probedChainEnds).toHaveLength(1);
  });

  it('says when an image is not in the format the definition gives', async () => {
    const { diagnostics } = await preflight(parse(domainXml(disk(path.join(dir, 'serial.log'), 'qcow2'))), { probe, baseDir: dir });
    expect(diagnostics[0]?.message).toMatch(/cannot be opened as qcow2: .*not in qcow2 format/);
  });

  it('warns that a file serial with append off empties an existing file, and offers append', async () => {
    const log = path.join(dir, 'serial.log');
    const xml = domainXml(`    <serial type='file'>\n      <source path='${log}'/>\n      <target port='0'/>\n    </serial>`);
    const { diagnostics } = await preflight(parse(xml), { probe, baseDir: dir });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', code: 'host-file-overwritten' });
    const fixed = applyEdits(xml, diagnostics[0]?.fixes?.[0]?.edits ?? []);
    expect(fixed).toContain(`<source append='on' path='${log}'/>`);
    expect((await preflight(parse(fixed), { probe, baseDir: dir })).diagnostics).toEqual([]);
  });

  it("checks a served socket's folder, but not a libvirt host's runtime folder, whose sockets go to the run folder", async () => {
    const serial = (socket: string) => domainXml(`    <serial type='unix'>\n      <source mode='bind' path='${socket}'/>\n      <target port='0'/>\n    </serial>`);
    const missing = path.join(dir, 'no-such-folder', 'serial.sock');
    const { diagnostics } = await preflight(parse(serial(missing)), { probe, baseDir: dir });
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code: 'host-file' });
    expect(diagnostics[0]?.message).toContain(path.dirname(missing));
    const libvirtPath = '/run/libvirt/qemu/never-here-virtdeck-test.console';
    expect((await preflight(parse(serial(libvirtPath)), { probe, baseDir: dir })).diagnostics).toEqual([]);
  });

  it('refuses a FIFO as an image without probing it (qemu-img would wait on it)', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const before = probe.runs;
    const { diagnostics } = await preflight(parse(domainXml(disk(fifo, 'qcow2'))), { probe, baseDir: dir });
    expect(diagnostics[0]?.message).toBe(`The disk image ${fifo} (disk vda) is a FIFO, not a regular file or block device.`);
    expect(probe.runs).toBe(before);
  });

  it('probes an unchanged image once', async () => {
    const domain = parse(domainXml(disk(path.join(dir, 'alone.qcow2'), 'qcow2')));
    await preflight(domain, { probe, baseDir: dir });
    const before = probe.runs;
    await preflight(domain, { probe, baseDir: dir });
    expect(probe.runs).toBe(before);
  });
});
