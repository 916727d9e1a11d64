import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandLine, ErrorBody, GuestSummary, HostInfo, HostLifecycleEvent, HostSummary, StatsEvent, ValidateResult } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { startLibvirtHost, startTestSshd, type LibvirtHost, type TestSshd } from '../testing/libvirtHost.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

/**
 * A libvirt host added through the API, once as `qemu:///system` and once over SSH to
 * 127.0.0.1 (libssh, with the test's own key and known_hosts: plain `qemu+ssh` takes the
 * host key only from the user's OpenSSH files, which a test must not touch). Guests are
 * defined and changed from outside with virsh, as a person working beside virtdeck would.
 */
describe('libvirt hosts', () => {
  let libvirt: LibvirtHost;
  let sshd: TestSshd;
  beforeAll(async () => {
    libvirt = await startLibvirtHost();
    sshd = await startTestSshd();
  }, 60_000);
  afterAll(async () => {
    await sshd?.close();
    await libvirt?.close();
  });

  const variants = [
    { label: 'qemu:///system', uri: () => 'qemu:///system' },
    { label: 'SSH to 127.0.0.1', uri: () => `qemu+libssh://root@127.0.0.1:${sshd.port}/system?keyfile=${sshd.keyfile}&known_hosts=${sshd.knownHosts}` },
  ];

  describe.each(variants)('through $label', ({ label, uri }) => {
    let server: TestServer;
    let sse: SseClient;
    const name = `vdt-${process.pid}-${label.startsWith('SSH') ? 'ssh' : 'system'}`;
    const hostReady = (state: HostSummary['state']) => (list: HostSummary[]) => list.some((h) => h.id === 'lv' && h.state === state);

    beforeAll(async () => {
      server = await startTestServer({ capabilities: notProbed });
      sse = await SseClient.connect(server.url, server.token.value);
    });
    afterAll(async () => {
      sse?.close();
      await libvirt.virsh('destroy', name).catch(() => undefined);
      await libvirt.virsh('undefine', name).catch(() => undefined);
      await server?.dispose();
    });

    it('follows a guest defined, started, changed and forced off from outside and inside, and a libvirtd that goes and comes back', async () => {
      const added = await server.api.post<HostSummary>('/api/hosts', { json: { id: 'lv', uri: uri() } });
      expect(added.status).toBe(201);
      const connected = await sse.next<HostSummary[]>('hosts', hostReady('connected'));
      expect(connected.data.find((h) => h.id === 'lv')).toMatchObject({ driver: 'libvirt', state: 'connected' });

      // Defined with virsh: the guest appears on the event stream without a reload.
      const xml = demoGuestXml(name, demoGuest());
      await defineOutside(libvirt, xml);
      const appeared = await sse.next<GuestSummary>('guest', (g) => g.host === 'lv' && g.name === name);
      expect(appeared.data).toMatchObject({ host: 'lv', name, state: 'shutoff', accelerator: 'qemu', memoryKiB: 262144 });
      expect((await server.api.get<GuestSummary[]>('/api/domains')).body.some((g) => g.host === 'lv' && g.name === name)).toBe(true);

      // Started through virtdeck; its serial output reaches the console WebSocket.
      const console = await (async () => {
        const started = await server.api.post<GuestSummary>(`/api/hosts/lv/domains/${name}/start`);
        expect(started.status).toBe(200);
        expect(started.body).toMatchObject({ host: 'lv', state: 'running' });
        return openConsole(server.url, server.token.value, name, 'lv');
      })();
      try {
        await console.waitFor(demoGuest().readyMarker, { timeoutMs: 60_000 });
      } finally {
        console.close();
      }

      // Its graphs: the stats stream carries it under its host, from that host's domstats, with CPU time that grows.
      const ofGuest = (s: StatsEvent) => s.hosts?.lv?.[name];
      const first = await sse.next<StatsEvent>('stats', (s) => (ofGuest(s)?.cpuTimeNs ?? 0) > 0);
      const later = await sse.next<StatsEvent>('stats', (s) => (ofGuest(s)?.cpuTimeNs ?? 0) > (ofGuest(first.data)?.cpuTimeNs ?? 0), 30_000, first);
      expect(ofGuest(later.data)).toMatchObject({ memory: { currentKiB: 262144 }, block: [], net: [], netUnavailable: [{ device: 'net0', reason: 'user-mode' }] });
      expect(ofGuest(later.data)?.memory.rssKiB).toBeGreaterThan(0);
      expect(ofGuest(later.data)?.cpuPercent).toBeGreaterThanOrEqual(0);
      // Not among the local host's guests.
      expect(later.data.guests[name]).toBeUndefined();

      // Changed in virtdeck: virsh dumpxml agrees.
      const changed = xml.replace('<title>virtdeck demo guest</title>', '<title>changed in virtdeck</title>');
      const saved = await server.api.put<GuestSummary>(`/api/hosts/lv/domains/${name}/xml`, { xml: changed });
      expect(saved.status).toBe(200);
      expect(saved.body.title).toBe('changed in virtdeck');
      expect(await libvirt.virsh('dumpxml', name, '--inactive')).toContain('<title>changed in virtdeck</title>');

      // Forced off from outside: the state change comes as an event.
      await libvirt.virsh('destroy', name);
      await sse.next<GuestSummary>('guest', (g) => g.host === 'lv' && g.name === name && g.state === 'shutoff' && g.reason === 'destroyed');
      await sse.next<HostLifecycleEvent>('lifecycle', (e) => e.host === 'lv' && e.name === name && e.event === 'stopped');

      // libvirtd stops: the host is lost, its guests stay with their last known state; it comes back by itself.
      await libvirt.stopDaemon();
      let lost;
      try {
        lost = await sse.next<HostSummary[]>('hosts', hostReady('lost'), 30_000);
        expect(lost.data.find((h) => h.id === 'lv')?.error).toBeTruthy();
        expect((await server.api.get<GuestSummary>(`/api/hosts/lv/domains/${name}`)).body).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
        // Its capabilities were read once for this connection: the editor still checks against them while the host is away.
        const offline = await server.api.post<ValidateResult>('/api/hosts/lv/validate', { xml: xml.replace("machine='q35'", "machine='q99'") });
        expect(offline.status).toBe(200);
        expect(offline.body.diagnostics.some((d) => d.code === 'machine-unknown' && d.message.includes('q99'))).toBe(true);
      } finally {
        await libvirt.startDaemon();
      }
      await sse.next<HostSummary[]>('hosts', hostReady('connected'), 30_000, lost);
      expect((await server.api.get<HostSummary>('/api/hosts/lv')).body).toMatchObject({ state: 'connected', capabilities: { arch: 'x86_64' } });
    }, 240_000);

    it("checks a definition against the host's own capabilities and gives libvirt's own command line, or virtdeck's labelled with libvirt's reason", async () => {
      // The host of the test before, or a new one when this test runs alone.
      if ((await server.api.get('/api/hosts/lv')).status === 404) await server.api.post<HostSummary>('/api/hosts', { json: { id: 'lv', uri: uri() } });
      await sse.next<HostSummary[]>('hosts', hostReady('connected'));
      const xml = demoGuestXml(`${name}-draft`, demoGuest());

      // What the editor's form offers for this host: libvirt's own lists, not the local probe's.
      const info = await server.api.get<HostInfo>('/api/hosts/lv/host');
      expect(info.status).toBe(200);
      const domCaps = await libvirt.virsh('domcapabilities');
      const custom = /<mode name='custom'[^>]*>([\s\S]*?)<\/mode>/.exec(domCaps)?.[1] ?? '';
      const libvirtModels = [...custom.matchAll(/<model[^>]*>([^<]+)<\/model>/g)].map((m) => m[1]);
      expect(libvirtModels.length).toBeGreaterThan(0);
      const emulator = info.body.emulators.find((e) => e.arch === 'x86_64');
      expect(emulator?.cpuModels.map((m) => m.name)).toEqual(libvirtModels);
      expect(emulator?.machines.some((m) => m.alias === 'q35')).toBe(true);
      const kvm = (await libvirt.virsh('capabilities')).includes("<domain type='kvm'");
      expect(info.body.accelerators.find((a) => a.name === 'qemu')).toMatchObject({ usable: true });
      expect(info.body.accelerators.find((a) => a.name === 'kvm')?.usable).toBe(kvm);
      // The server's own host keeps its own answer under the same route.
      expect((await server.api.get<HostInfo>('/api/hosts/local/host')).status).toBe((await server.api.get('/api/host')).status);
      expect((await server.api.get<ErrorBody>('/api/hosts/nowhere/host')).status).toBe(404);

      // A CPU model this host's domcapabilities do not list is refused, with the host's close ones.
      const badCpu = await server.api.post<ValidateResult>('/api/hosts/lv/validate', { xml: xml.replace('</vcpu>', "</vcpu>\n  <cpu mode='custom'><model>Skylake-Clientt</model></cpu>") });
      expect(badCpu.body.startable).toBe(false);
      expect(badCpu.body.diagnostics.find((d) => d.code === 'cpu-model-unknown')?.message).toMatch(/no CPU model 'Skylake-Clientt'.*Close ones: Skylake-Client/);

      const valid = await server.api.post<ValidateResult>('/api/hosts/lv/validate', { xml });
      expect(valid.body).toMatchObject({ valid: true, startable: true });
      // A machine type this host's QEMU lacks, as its domcapabilities say.
      const badMachine = await server.api.post<ValidateResult>('/api/hosts/lv/validate', { xml: xml.replace("machine='q35'", "machine='q99'") });
      expect(badMachine.body.startable).toBe(false);
      expect(badMachine.body.diagnostics.some((d) => d.severity === 'error' && d.message.includes('q99'))).toBe(true);

      const native = await server.api.post<CommandLine>('/api/hosts/lv/argv', { xml });
      expect(native.status).toBe(200);
      // libvirt's, not virtdeck's: libvirt names the guest its own way and keeps its monitor under its own folders.
      expect(native.body).toMatchObject({ builtBy: 'libvirt', startable: true });
      expect(native.body.argv).toContain(`guest=${name}-draft,debug-threads=on`);
      expect(native.body.note).toBeUndefined();

      // A volume of a pool the host does not have: libvirt refuses, virtdeck's builder answers and says why.
      const withVolume = xml.replace('<devices>', "<devices>\n    <disk type='volume' device='disk'><source pool='vdt-no-such-pool' volume='v'/><target dev='vda' bus='virtio'/></disk>");
      const fallback = await server.api.post<CommandLine>('/api/hosts/lv/argv', { xml: withVolume });
      expect(fallback.status).toBe(200);
      expect(fallback.body.builtBy).toBe('virtdeck');
      expect(fallback.body.note).toMatch(/vdt-no-such-pool/);
      expect(fallback.body.argv[0]).toBe('/usr/bin/qemu-system-x86_64');

      expect((await server.api.post<ErrorBody>('/api/hosts/lv/argv', { xml: '<domain>' })).status).toBe(422);
      expect((await server.api.post<ErrorBody>('/api/hosts/nowhere/validate', { xml })).status).toBe(404);
    }, 60_000);
  });

  it('refuses an SSH host whose key is unknown, saying so', async () => {
    const server = await startTestServer({ capabilities: notProbed });
    try {
      // Plain qemu+ssh checks the key against the user's own known_hosts, which does not hold this test sshd's key.
      const uri = `qemu+ssh://root@127.0.0.1:${sshd.port}/system?keyfile=${sshd.keyfile}&no_tty=1`;
      expect((await server.api.post('/api/hosts', { json: { id: 'unknown', uri } })).status).toBe(201);
      const sse = await SseClient.connect(server.url, server.token.value);
      try {
        const refused = await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'unknown' && h.state === 'auth-failed'), 30_000);
        expect(refused.data.find((h) => h.id === 'unknown')?.error).toMatch(/SSH host key of this host is unknown/);
      } finally {
        sse.close();
      }
    } finally {
      await server.dispose();
    }
  }, 60_000);
});

/** `virsh define` of a text, as a person would from a file. */
async function defineOutside(libvirt: LibvirtHost, xml: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-define-'));
  try {
    await writeFile(path.join(dir, 'guest.xml'), xml);
    await libvirt.virsh('define', path.join(dir, 'guest.xml'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
