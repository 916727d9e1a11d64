import { guestCondition, isAllowed, offeredActions } from '@virtdeck/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary, StatsEvent } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { demoGuest } from '../testing/demoGuest.js';
import type { LibvirtHost } from '../testing/libvirtHost.js';
import { startLibvirtTestbed, type LibvirtTestbed } from '../testing/libvirtTestbed.js';
import type { SseClient } from '../testing/sseClient.js';
import type { TestServer } from '../testing/testServer.js';

/**
 * A guest of a libvirt host (qemu:///system) that crashes. The demo guest has no pvpanic
 * driver, so the panic is what the driver would do: a write to the ISA pvpanic device's port
 * (0x505), here through QEMU's monitor (HMP `o`, by `virsh qemu-monitor-command`). QEMU
 * reports GUEST_PANICKED and libvirt applies on_crash: preserve keeps QEMU (the domain stays
 * active, `crashed (panicked)`), destroy ends it (`shut off (crashed)`).
 */
describe('a crashed guest of a libvirt host', () => {
  let testbed: LibvirtTestbed;
  let libvirt: LibvirtHost;
  let server: TestServer;
  let sse: SseClient;
  const names: string[] = [];

  beforeAll(async () => {
    testbed = await startLibvirtTestbed();
    ({ libvirt, server, sse } = testbed);
  }, 90_000);
  afterAll(async () => {
    await testbed?.close(names);
  });

  const guestPath = (name: string) => `/api/hosts/lv/domains/${name}`;
  const becomes = (name: string, state: string, reason: string) =>
    sse.next<GuestSummary>('guest', (g) => g.host === 'lv' && g.name === name && g.state === state && g.reason === reason, 60_000);

  /** Defines and starts a guest with a pvpanic device and this on_crash, then panics it. */
  const crash = async (onCrash: string) => {
    const name = `vdt-${process.pid}-crash-${onCrash}`;
    names.push(name);
    const xml = demoGuestXml(name, demoGuest())
      .replace('<on_crash>destroy</on_crash>', `<on_crash>${onCrash}</on_crash>`)
      .replace('</devices>', "  <panic model='isa'><address type='isa' iobase='0x505'/></panic>\n  </devices>");
    expect((await server.api.post(`/api/hosts/lv/domains`, { xml })).status).toBe(201);
    const started = await server.api.post<GuestSummary>(`${guestPath(name)}/start`);
    expect(started.body).toMatchObject({ state: 'running', active: true });
    await libvirt.virsh('qemu-monitor-command', name, '--hmp', 'o /b 0x505 1');
    return name;
  };

  it('kept by on_crash=preserve: active, offered Reset and Force off only, its graphs go on, and it is deleted only once forced off', async () => {
    const name = await crash('preserve');
    const crashed = (await becomes(name, 'crashed', 'crashed')).data;
    expect((await libvirt.virsh('domstate', name, '--reason')).trim()).toBe('crashed (panicked)');
    expect(crashed.active).toBe(true);
    expect(offeredActions(crashed)).toEqual(['reset', 'destroy']);
    expect(isAllowed('delete', guestCondition(crashed))).toBe(false);

    // Its QEMU still answers: the stats stream carries it.
    const stats = await sse.next<StatsEvent>('stats', (s) => (s.hosts?.lv?.[name]?.cpuTimeNs ?? 0) > 0, 30_000);
    expect(stats.data.hosts?.lv?.[name]?.memory.currentKiB).toBeGreaterThan(0);

    // virsh undefine would leave it running as a transient guest: virtdeck refuses, as it does for its own.
    const refused = await server.api.delete(guestPath(name));
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain(`'${name}' is crashed; force it off before deleting it`);
    expect((await libvirt.virsh('list', '--all', '--name')).split('\n')).toContain(name);
    expect((await libvirt.virsh('dominfo', name)).match(/^Persistent:\s*(\S+)/m)?.[1]).toBe('yes');
    expect((await server.api.post(`${guestPath(name)}/start`)).status).toBe(409);

    const off = (await server.api.post<GuestSummary>(`${guestPath(name)}/destroy`)).body;
    expect(off).toMatchObject({ state: 'shutoff', reason: 'destroyed', active: false });
    expect(isAllowed('delete', guestCondition(off))).toBe(true);
    expect((await server.api.delete(guestPath(name))).status).toBe(204);
    expect((await libvirt.virsh('list', '--all', '--name')).split('\n')).not.toContain(name);
  }, 180_000);

  it('ended by on_crash=destroy: shut off, reason crashed, inactive, offered Start', async () => {
    const name = await crash('destroy');
    const off = (await becomes(name, 'shutoff', 'crashed')).data;
    expect((await libvirt.virsh('domstate', name, '--reason')).trim()).toBe('shut off (crashed)');
    expect(off.active).toBe(false);
    expect(offeredActions(off)).toEqual(['start']);
    expect(isAllowed('delete', guestCondition(off))).toBe(true);
  }, 180_000);
});
