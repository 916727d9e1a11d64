import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary } from '../api.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const xml = (name: string, extra = '') => `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>${extra}
</domain>
`;

/** Each bad file a state directory can hold (a crash, a disk error, a hand edit, another local user), and the reason the server must give. */
const CASES: { name: string; make: (file: string) => Promise<void>; reason: RegExp }[] = [
  { name: 'truncated', make: (f) => writeFile(f, xml('truncated').slice(0, 60)), reason: /domains\/truncated\.xml is not well-formed XML \(line \d+, column \d+/ },
  { name: 'binary', make: (f) => writeFile(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x3c])), reason: /domains\/binary\.xml is binary data, not text \(a NUL byte on line 1\)/ },
  { name: 'empty', make: (f) => writeFile(f, ''), reason: /domains\/empty\.xml is empty/ },
  {
    name: 'latin1',
    make: (f) => writeFile(f, Buffer.from(xml('latin1', "\n  <description>caf\u00e9</description>"), 'latin1')),
    reason: /domains\/latin1\.xml is not UTF-8 text \(byte 0xe9 on line 7; Latin-1, perhaps\)/,
  },
  { name: 'mismatch', make: (f) => writeFile(f, xml('other')), reason: /domains\/mismatch\.xml names the guest 'other', not 'mismatch'/ },
  { name: 'link', make: (f) => symlink('/etc/passwd', f), reason: /domains\/link\.xml is a symbolic link \(to \/etc\/passwd\); the server reads only regular files here and never follows links/ },
  { name: 'dir', make: (f) => mkdir(f), reason: /domains\/dir\.xml is a directory, not a regular file/ },
  {
    // Read with a plain readFile, a FIFO blocks the server's start until someone writes to it.
    name: 'fifo',
    make: async (f) => {
      expect(spawnSync('mkfifo', [f]).status).toBe(0);
    },
    reason: /domains\/fifo\.xml is a named pipe, not a regular file/,
  },
];

describe('bad files in the state directory are reported, never trusted', () => {
  let stateDir: string;
  let server: TestServer;
  const logged: string[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-broken-'));
    const domains = path.join(stateDir, 'domains');
    await mkdir(domains, { recursive: true });
    await writeFile(path.join(domains, 'good.xml'), xml('good'));
    for (const c of CASES) await c.make(path.join(domains, `${c.name}.xml`));
    // The good guest's other files are bad too: none of them may keep the server from starting.
    const run = path.join(stateDir, 'run', 'good');
    await mkdir(run, { recursive: true });
    expect(spawnSync('mkfifo', [path.join(run, 'status.json')]).status).toBe(0);
    expect(spawnSync('mkfifo', [path.join(run, 'qemu.pid')]).status).toBe(0);
    await symlink('/etc/passwd', path.join(run, 'events.jsonl'));
    await writeFile(path.join(stateDir, 'hosts.json'), '{"hosts": [');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    server = await startTestServer({ stateDir, capabilities: notProbed, logger: pino({ level: 'warn' }, sink) });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('starts and lists each guest with a bad file as broken, saying which file and why, in the API and on the event stream', async () => {
    const list = (await server.api.get<GuestSummary[]>('/api/domains')).body;
    expect(list.find((g) => g.name === 'good')).toMatchObject({ state: 'shutoff' });
    const sse = await SseClient.connect(server.url, server.token.value);
    const snapshot = (await sse.next<GuestSummary[]>('snapshot')).data;
    sse.close();
    for (const c of CASES) {
      const listed = list.find((g) => g.name === c.name);
      expect(listed, c.name).toMatchObject({ state: 'broken', reason: 'bad-file' });
      expect(listed?.error, c.name).toMatch(c.reason);
      expect(snapshot.find((g) => g.name === c.name), c.name).toMatchObject({ state: 'broken', error: listed?.error });
      expect(logged.join(''), c.name).toContain(`domains/${c.name}.xml`);
    }
  });

  it('never serves what a symlink points to, and starts no broken guest', async () => {
    const served = await server.api.get<ErrorBody>('/api/domains/link/xml');
    expect(served.status).toBe(409);
    expect(JSON.stringify(served.body)).not.toContain('root:');
    for (const c of CASES) {
      const started = await server.api.post<ErrorBody>(`/api/domains/${c.name}/start`);
      expect(started.status, c.name).toBe(409);
      expect(started.body.message, c.name).toMatch(c.reason);
    }
  });

  it('refuses to change the host list it could not read, so the hosts it names are not lost', async () => {
    expect(logged.join('')).toContain('hosts.json');
    const added = await server.api.post<ErrorBody>('/api/hosts', { json: { id: 'far', uri: 'qemu+ssh://root@far/system' } });
    expect(added.status).toBe(409);
    expect(added.body.message).toMatch(/hosts\.json is not JSON/);
    expect(await readFile(path.join(stateDir, 'hosts.json'), 'utf8')).toBe('{"hosts": [');
  });

  it('deletes a bad file or a symlink (never its target), and leaves a directory or a FIFO alone', async () => {
    const domains = path.join(stateDir, 'domains');
    expect((await server.api.delete(`/api/domains/link`)).status).toBe(204);
    await expect(lstat(path.join(domains, 'link.xml'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat('/etc/passwd')).isFile()).toBe(true);
    expect((await server.api.delete('/api/domains/binary')).status).toBe(204);
    for (const name of ['dir', 'fifo']) {
      const refused = await server.api.delete<ErrorBody>(`/api/domains/${name}`);
      expect(refused.status, name).toBe(409);
      expect(refused.body.message, name).toMatch(/remove it by hand/);
      expect((await lstat(path.join(domains, `${name}.xml`))).isFile(), name).toBe(false);
    }
    const names = (await server.api.get<GuestSummary[]>('/api/domains')).body.map((g) => g.name);
    expect(names).not.toContain('link');
    expect(names).toContain('dir');
  });

  it('takes a save in place of a bad file as the fix: the guest is shut off and usable again', async () => {
    const saved = await server.api.put<GuestSummary>('/api/domains/truncated/xml', { xml: xml('truncated') });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ state: 'shutoff' });
    expect(saved.body.error).toBeUndefined();
    expect((await server.api.get<string>('/api/domains/truncated/xml')).body).toContain('<memory unit=\'MiB\'>64</memory>\n  <os>');
  });

  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });
});
