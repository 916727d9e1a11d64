import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandLine, ErrorBody, HostInfo, ValidateResult } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { RunDir } from '../guests/RunDir.js';
import { demoGuest } from '../testing/demoGuest.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();

describe('host capabilities, validation and command lines from the real QEMU', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('serves the host: emulators, machines, CPU models, and each accelerator with why it can or cannot be used', async () => {
    const { status, body } = await server.api.get<HostInfo>('/api/host');
    expect(status).toBe(200);
    const x86 = body.emulators.find((e) => e.arch === 'x86_64');
    expect(x86?.path).toBe('/usr/bin/qemu-system-x86_64');
    expect(x86?.machines.some((m) => m.alias === 'q35')).toBe(true);
    expect(x86?.cpuModels.length).toBeGreaterThan(10);
    const accel = Object.fromEntries(body.accelerators.map((a) => [a.name, a]));
    expect(accel.qemu).toMatchObject({ usable: true, qemuName: 'tcg' });
    expect(accel.kqemu).toMatchObject({ usable: false, reason: expect.stringMatching(/0\.12/) as unknown });
    expect(accel.qvm86?.usable).toBe(false);
    expect(accel.hvf).toMatchObject({ usable: false, reason: expect.stringMatching(/only on macOS hosts; this host runs Linux/) as unknown });
    expect(accel.kvm?.usable).toBe(body.kvmDevice.usable);
    // The bridges the form offers are those iproute2 lists; root can attach taps to them.
    const listed = execFileSync('ip', ['-o', 'link', 'show', 'type', 'bridge'], { encoding: 'utf8' });
    expect(body.bridges).toEqual([...listed.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]).sort());
    expect(body.privileged).toBe(process.getuid?.() === 0);
    // The set-up lets QEMU's user open /dev/net/tun, so the server's taps can be opened by QEMU.
    expect(body.tapBlocked).toBeUndefined();
  });

  it('validates with the host checks included', async () => {
    const ok = await server.api.post<ValidateResult>('/api/validate', { xml: demoGuestXml('v', guest) });
    expect(ok.body).toMatchObject({ valid: true, startable: true });
    // libvirt accepts kqemu: a valid definition that cannot start here, said once, as the host's.
    const historical = await server.api.post<ValidateResult>('/api/validate', { xml: demoGuestXml('v', guest).replace("<domain type='qemu'>", "<domain type='kqemu'>") });
    expect(historical.body).toMatchObject({ valid: true, startable: false });
    const about = historical.body.diagnostics.filter((d) => d.code === 'unsupported-accelerator');
    expect(about).toHaveLength(1);
    expect(about[0]).toMatchObject({ severity: 'error', scope: 'host', message: expect.stringMatching(/kqemu.*0\.12/) as unknown });
    const badMachine = await server.api.post<ValidateResult>('/api/validate', { xml: demoGuestXml('v', guest).replace("machine='q35'", "machine='q99'") });
    expect(badMachine.body.diagnostics.find((d) => d.code === 'machine-unknown')?.range.start.line).toBe(8);
    const broken = await server.api.post<ValidateResult>('/api/validate', { xml: '<domain><name>x' });
    expect(broken.body).toMatchObject({ valid: false, startable: false });
    expect(broken.body.diagnostics.every((d) => d.scope === 'document')).toBe(true);
    expect(broken.body.diagnostics[0]?.range.start.line).toBe(1);
    // The local host's own route (what the editor of any host's guest asks) says the same.
    for (const xml of [demoGuestXml('v', guest), demoGuestXml('v', guest).replace("machine='q35'", "machine='q99'")]) {
      expect((await server.api.post<ValidateResult>('/api/hosts/local/validate', { xml })).body).toEqual((await server.api.post<ValidateResult>('/api/validate', { xml })).body);
    }
  });

  it('shows the command line a definition becomes, or why it cannot become one', async () => {
    const posted = await server.api.post<CommandLine>('/api/argv', { xml: demoGuestXml('preview', guest) });
    expect(posted.status).toBe(200);
    expect(posted.body.argv[0]).toBe('/usr/bin/qemu-system-x86_64');
    expect(posted.body.argv).toContain('-S');
    expect(posted.body.argv.join(' ')).toContain(new RunDir(server.stateDir, 'preview').qmpSocket);
    expect(posted.body.line.startsWith('/usr/bin/qemu-system-x86_64 ')).toBe(true);
    expect(posted.body.builtBy).toBe('virtdeck');
    expect((await server.api.post<CommandLine>('/api/hosts/local/argv', { xml: demoGuestXml('preview', guest) })).body).toEqual(posted.body);

    await server.api.post('/api/domains', { xml: demoGuestXml('stored', guest) });
    const stored = await server.api.get<CommandLine>('/api/domains/stored/argv');
    expect(stored.body.argv).toContain('-kernel');
    expect(stored.body.argv).toContain(guest.kernel);

    expect(posted.body).toMatchObject({ startable: true });

    // host-model is previewed as the named model and features the probe found, as libvirt writes it.
    const hostModel = (await server.api.get<HostInfo>('/api/host')).body.emulators.find((e) => e.path === '/usr/bin/qemu-system-x86_64')?.hostCpuModels?.tcg;
    expect(hostModel?.model).toBeDefined();
    const withHostModel = await server.api.post<CommandLine>('/api/argv', { xml: demoGuestXml('host-model', guest).replace('<clock ', "<cpu mode='host-model'/><clock ") });
    const cpu = withHostModel.body.argv[withHostModel.body.argv.indexOf('-cpu') + 1];
    expect(cpu).toBe([hostModel?.model, ...(hostModel?.features ?? []).map((f) => `${f.name}=${f.policy === 'require' ? 'on' : 'off'}`)].join(','));

    // A valid definition this host cannot start still has its best command line, the reason beside it.
    const unstartable = await server.api.post<CommandLine>('/api/argv', { xml: demoGuestXml('old', guest).replace("<domain type='qemu'>", "<domain type='kqemu'>") });
    expect(unstartable.status).toBe(200);
    expect(unstartable.body.startable).toBe(false);
    expect(unstartable.body.argv[0]).toBe('/usr/bin/qemu-system-x86_64');
    expect(unstartable.body.diagnostics.find((d) => d.code === 'unsupported-accelerator')).toMatchObject({ severity: 'error', scope: 'host' });
    const invalid = await server.api.post<ErrorBody>('/api/argv', { xml: '<domain>' });
    expect(invalid).toMatchObject({ status: 422, body: { code: 'invalid-xml' } });
  });

  it('refuses to start a guest on an accelerator QEMU no longer has, saying why', async () => {
    await server.api.post('/api/domains', { xml: demoGuestXml('ancient', guest).replace("<domain type='qemu'>", "<domain type='kqemu'>") });
    const failed = await server.api.post<ErrorBody>('/api/domains/ancient/start');
    expect(failed.status).toBe(422);
    expect(failed.body.code).toBe('unsupported-accelerator');
    expect(failed.body.message).toMatch(/kqemu/);
    expect((await server.api.get('/api/domains/ancient')).body).toMatchObject({ state: 'shutoff', reason: 'failed' });
  });
});
