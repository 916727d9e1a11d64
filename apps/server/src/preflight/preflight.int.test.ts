import { execFileSync } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary, ValidateResult } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();

/** The demo guest with extra devices (and, optionally, raw QEMU arguments). */
function demoWith(name: string, devices: string, qemuArgs: string[] = []): string {
  let xml = demoGuestXml(name, guest).replace('  </devices>', `${devices}\n  </devices>`);
  if (qemuArgs.length > 0) {
    xml = xml
      .replace("<domain type='qemu'>", "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
      .replace('</domain>', `  <qemu:commandline>\n${qemuArgs.map((a) => `    <qemu:arg value='${a}'/>`).join('\n')}\n  </qemu:commandline>\n</domain>`);
  }
  return xml;
}

const qcowDisk = (file: string, inner = ''): string => `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${file}'/>${inner}
      <target dev='vdb' bus='virtio'/>
    </disk>`;

const fileSerial = (file: string): string => `    <serial type='file'>
      <source path='${file}'/>
      <target port='1'/>
    </serial>`;

/** The host files an open descriptor of the process points at. */
async function openFiles(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return targets.filter((t) => t.startsWith('/'));
}

describe('pre-flight: QEMU touches only what the definition names, and a failed start leaves host files as they were', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-hostfiles-'));
    server = await startTestServer({ demoGuest: guest });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const define = async (xml: string): Promise<void> => {
    const defined = await server.api.post<ErrorBody>('/api/domains', { xml });
    expect(defined.status, JSON.stringify(defined.body)).toBe(201);
  };
  const act = (name: string, action: string) => server.api.post<GuestSummary & ErrorBody>(`/api/domains/${name}/${action}`);

  it('never lets QEMU open a backing file that only the image header names', async () => {
    // The backing file is a FIFO: anything that opens it blocks, so a start that opened it would hang.
    const fifo = path.join(dir, 'backing.fifo');
    execFileSync('mkfifo', [fifo]);
    const top = path.join(dir, 'over-fifo.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-u', '-b', fifo, '-F', 'raw', top, '16M']);

    await define(demoWith('backing', qcowDisk(top)));
    const refused = await act('backing', 'start');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('host-file');
    expect(refused.body.message).toContain(`The disk image ${top} (disk vdb) names the backing file ${fifo}, which the definition does not`);
    expect(refused.body.diagnostics?.[0]).toMatchObject({ code: 'backing-chain', severity: 'error' });
    expect((await server.api.get<GuestSummary>('/api/domains/backing')).body.state).toBe('shutoff');

    // Saying the chain ends there starts the guest, and QEMU holds the image but not the FIFO.
    await server.api.put(`/api/domains/backing/xml`, { xml: demoWith('backing', qcowDisk(top, '\n      <backingStore/>')) });
    const started = await act('backing', 'start');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const files = await openFiles(started.body.pid!);
    expect(files).toContain(top);
    expect(files).not.toContain(fifo);
    await act('backing', 'destroy');
  });

  it('opens a backing file the definition names, as a node of its own', async () => {
    const base = path.join(dir, 'base.qcow2');
    const top = path.join(dir, 'top.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '16M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', top]);
    const named = `\n      <backingStore type='file'>\n        <format type='qcow2'/>\n        <source file='${base}'/>\n      </backingStore>`;
    await define(demoWith('named', qcowDisk(top, named)));
    const started = await act('named', 'start');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(await openFiles(started.body.pid!)).toEqual(expect.arrayContaining([top, base]));
    await act('named', 'destroy');
  });

  it('leaves a file serial untouched when QEMU fails later in the start, and empties it only when the start succeeds', async () => {
    const kept = path.join(dir, 'kept.log');
    const never = path.join(dir, 'never-created.log');
    await writeFile(kept, 'precious\n');
    // QEMU opens its character devices before it creates devices, so a bad device fails after the serial file was opened.
    await define(demoWith('late', `${fileSerial(kept)}\n${fileSerial(never).replace("port='1'", "port='2'")}`, ['-device', 'no-such-device']));
    const failed = await act('late', 'start');
    expect(failed.status).toBe(502);
    expect(failed.body.message).toMatch(/no-such-device/);
    // QEMU's stderr in full, as plain text a browser does not sniff.
    const log = await server.api.get<string>('/api/domains/late/qemu-log');
    expect(log.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(log.headers.get('x-content-type-options')).toBe('nosniff');
    expect(log.body).toMatch(/launched by virtdeck\n.*'no-such-device' is not a valid device model name/);
    expect(await readFile(kept, 'utf8')).toBe('precious\n');
    await expect(access(never)).rejects.toThrow(/ENOENT/);

    await server.api.put(`/api/domains/late/xml`, { xml: demoWith('late', fileSerial(kept)) });
    const started = await act('late', 'start');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(await readFile(kept, 'utf8')).toBe('');
    await act('late', 'destroy');
  });

  it('refuses a missing kernel before anything is opened, naming the file and the element', async () => {
    const kept = path.join(dir, 'kept-too.log');
    await writeFile(kept, 'precious\n');
    const missing = path.join(dir, 'no-such-vmlinuz');
    await define(demoWith('nokernel', fileSerial(kept)).replace(`<kernel>${guest.kernel}</kernel>`, `<kernel>${missing}</kernel>`));
    const refused = await act('nokernel', 'start');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'host-file', message: `'nokernel' cannot be started: The kernel ${missing} (<kernel>) does not exist.` });
    expect(await readFile(kept, 'utf8')).toBe('precious\n');
    await expect(access(path.join(server.stateDir, 'run', 'nokernel', 'qemu.log'))).rejects.toThrow(/ENOENT/);
  });

  it('shows the same host problems in the editor, on their lines', async () => {
    const missing = path.join(dir, 'no-such-initrd');
    const xml = demoGuestXml('editor', guest).replace(`<initrd>${guest.initrd}</initrd>`, `<initrd>${missing}</initrd>`);
    const { body } = await server.api.post<ValidateResult>('/api/validate', { xml });
    const found = body.diagnostics.find((d) => d.code === 'host-file');
    expect(found).toMatchObject({ severity: 'error', message: `The initrd ${missing} (<initrd>) does not exist.` });
    expect(xml.split('\n')[found!.range.start.line - 1]).toContain('<initrd>');
  });
});
