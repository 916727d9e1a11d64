import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HostCapabilities } from '@virtdeck/qemu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandLine, ErrorBody, GuestSummary, HostInfo, ValidateResult } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { RunDir } from '../guests/RunDir.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();
const MARK = 'virtdeck-passthrough-mark';

/** The demo guest with one option and one variable for QEMU that virtdeck does not check; both are visible in /proc. */
const passthroughXml = (name: string) =>
  demoGuestXml(name, guest)
    .replace("<domain type='qemu'>", "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
    .replace('</domain>', `  <qemu:commandline>\n    <qemu:arg value='-smbios'/>\n    <qemu:arg value='type=1,serial=${MARK}'/>\n    <qemu:env name='VIRTDECK_MARK' value='${MARK}'/>\n  </qemu:commandline>\n</domain>`);

const scriptXml = demoGuestXml('scripted', guest).replace('  </devices>', "    <interface type='ethernet'><target dev='vdtest0'/><script path='/bin/true'/></interface>\n  </devices>");

const lineOf = (xml: string, text: string) => xml.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('VIRTDECK_HOST_PASSTHROUGH: options and programs that reach the host unchecked', () => {
  let dir: string;
  let caps: Promise<HostCapabilities>;
  const servers: TestServer[] = [];
  const serve = async (hostPassthrough?: boolean) => {
    const server = await startTestServer({ demoGuest: guest, capabilities: () => caps, hostPassthrough });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-passthrough-'));
    caps = probeCapabilities({ cacheDir: dir });
  });
  afterAll(async () => {
    for (const server of servers) {
      killProcessesMentioning(server.stateDir);
      await server.dispose();
    }
    await rm(dir, { recursive: true, force: true });
  });

  describe('off', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await serve(false);
    });

    it('says so on GET /api/host', async () => {
      expect((await server.api.get<HostInfo>('/api/host')).body.hostPassthrough).toBe(false);
    });

    it('keeps the definition as written (it is valid libvirt), and refuses its start with 403 naming the element and the setting', async () => {
      const xml = passthroughXml('pt-off');
      expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
      // Saved as written, with the UUID and MAC a define fills in: the lines of the saved text count.
      const saved = (await server.api.get<string>('/api/domains/pt-off/xml')).body;
      expect(saved).toContain(`<qemu:arg value='type=1,serial=${MARK}'/>`);
      const started = await server.api.post<ErrorBody>('/api/domains/pt-off/start');
      expect(started.status).toBe(403);
      expect(started.body.code).toBe('forbidden');
      expect(started.body.message).toMatch(/<qemu:arg value='-smbios'> cannot start on this server: it turns off options and programs that reach the host unchecked \(the server's VIRTDECK_HOST_PASSTHROUGH is off/);
      expect(started.body.diagnostics?.map((d) => [d.code, d.range.start.line])).toEqual([
        ['passthrough-arguments', lineOf(saved, "value='-smbios'")],
        ['passthrough-arguments', lineOf(saved, MARK)],
        ['passthrough-arguments', lineOf(saved, 'VIRTDECK_MARK')],
      ]);
      expect((await server.api.get<GuestSummary>('/api/domains/pt-off')).body.state).toBe('shutoff');
      await expect(readFile(new RunDir(server.stateDir, 'pt-off').pidFile)).rejects.toThrow(/ENOENT/);
    });

    it('/api/argv says it is not startable and leaves them out; /api/validate warns on each line and adds the host error', async () => {
      const xml = passthroughXml('pt-preview');
      const argv = await server.api.post<CommandLine>('/api/argv', { xml });
      expect(argv.body.startable).toBe(false);
      expect(argv.body.argv.join(' ')).not.toContain(MARK);
      const validated = (await server.api.post<ValidateResult>('/api/validate', { xml })).body;
      expect(validated).toMatchObject({ valid: true, startable: false });
      const at = (line: number) => validated.diagnostics.filter((d) => d.range.start.line === line).map((d) => `${d.scope} ${d.severity} ${d.code}`);
      expect(at(lineOf(xml, 'VIRTDECK_MARK'))).toEqual(['document warning host-passthrough', 'host error passthrough-arguments']);
    });

    it("refuses an ethernet interface's script the same way", async () => {
      const argv = (await server.api.post<CommandLine>('/api/argv', { xml: scriptXml })).body;
      expect(argv.startable).toBe(false);
      expect(argv.diagnostics.find((d) => d.code === 'passthrough-arguments')).toMatchObject({ severity: 'error', range: { start: { line: lineOf(scriptXml, '/bin/true') } } });
      expect(argv.argv.join(' ')).toContain('"script":"no"');
    });
  });

  describe('on (the default of a server on 127.0.0.1)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await serve();
    });

    it('says so on GET /api/host, and starts the guest with the option and the variable', async () => {
      expect((await server.api.get<HostInfo>('/api/host')).body.hostPassthrough).toBe(true);
      expect((await server.api.post('/api/domains', { xml: passthroughXml('pt-on') })).status).toBe(201);
      const started = await server.api.post<GuestSummary & ErrorBody>('/api/domains/pt-on/start');
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const pid = Number((await readFile(new RunDir(server.stateDir, 'pt-on').pidFile, 'utf8')).trim());
      expect((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')).toContain(`type=1,serial=${MARK}`);
      expect((await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0')).toContain(`VIRTDECK_MARK=${MARK}`);
      expect((await server.api.post<GuestSummary>('/api/domains/pt-on/destroy')).body.state).toBe('shutoff');
    });
  });
});
