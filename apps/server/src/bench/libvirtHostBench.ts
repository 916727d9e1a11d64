import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GuestSummary, HostSummary } from '../api.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import type { ServerProcess } from '../testing/serverProcess.js';
import { SseClient } from '../testing/sseClient.js';
import type { Libvirt } from './libvirt.js';
import { median, ms } from './stats.js';

const HOST = 'benchlv';
const PREFIX = 'vdbench-lv-';

export interface LibvirtHostResults {
  guests: number;
  /** POST /api/hosts → the host connected with every guest read (a dumpxml, domstate and dominfo each). */
  connectMs: number;
  listApiMs: number;
  listVirshMs: number;
  eventStartMs: number;
  eventStopMs: number;
  startApiMs: number;
  startVirshMs: number;
  destroyApiMs: number;
  destroyVirshMs: number;
}

/**
 * A libvirt host (qemu:///system) with `count` small shut-off guests defined through virsh:
 * GET /api/hosts/ID/domains against `virsh list --all` in the same run; a `virsh start` /
 * `virsh destroy` from outside until the SSE client sees the guest's new state; and start and
 * destroy through virtdeck (POST …/start, which answers once libvirt has started it and the
 * guest was read again) against `virsh start` and `virsh destroy`. Also how long the host
 * takes to connect, every guest read (BENCH_LIBVIRT_GUESTS of them).
 */
export async function libvirtHostBench(server: ServerProcess, guest: DemoGuestFiles, libvirt: Libvirt, options: { count: number; runs: number; log: (m: string) => void }): Promise<LibvirtHostResults> {
  const names = Array.from({ length: options.count }, (_, i) => `${PREFIX}${String(i).padStart(2, '0')}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-bench-lv-'));
  const sse = await SseClient.connect(server.url, server.token);
  try {
    for (const name of names) {
      const file = path.join(dir, `${name}.xml`);
      await writeFile(file, demoGuestXml(name, guest).replace("<memory unit='MiB'>256</memory>", "<memory unit='MiB'>72</memory>"));
      await libvirt.virsh('define', file);
    }
    options.log(`defined ${names.length} guests on qemu:///system`);
    const added = performance.now();
    await server.api.post('/api/hosts', { json: { id: HOST, uri: 'qemu:///system' } });
    await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === HOST && h.state === 'connected' && h.guests >= names.length), 120_000);
    const connectMs = performance.now() - added;

    const time = async (work: () => Promise<unknown>) => {
      const t0 = performance.now();
      await work();
      return performance.now() - t0;
    };
    const listApi: number[] = [];
    const listVirsh: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      listApi.push(await time(() => server.api.get<GuestSummary[]>(`/api/hosts/${HOST}/domains`)));
      listVirsh.push(await time(() => libvirt.virsh('list', '--all')));
    }

    const target = names[0] as string;
    const eventStart: number[] = [];
    const eventStop: number[] = [];
    const startApi: number[] = [];
    const startVirsh: number[] = [];
    const destroyApi: number[] = [];
    const destroyVirsh: number[] = [];
    const seen = (state: string) => (g: GuestSummary) => g.host === HOST && g.name === target && g.state === state;
    // Each wait takes only messages that came after its action began: a guest's state is
    // announced again when a later read finds more (its reason, its start time), and such a
    // message left over from the run before would end the wait at once.
    for (let i = 0; i < options.runs; i++) {
      let mark = sse.mark();
      let t0 = performance.now();
      await libvirt.virsh('start', target);
      startVirsh.push(performance.now() - t0);
      await sse.next<GuestSummary>('guest', seen('running'), 60_000, mark);
      eventStart.push(performance.now() - t0);
      mark = sse.mark();
      t0 = performance.now();
      await libvirt.virsh('destroy', target);
      destroyVirsh.push(performance.now() - t0);
      await sse.next<GuestSummary>('guest', seen('shutoff'), 60_000, mark);
      eventStop.push(performance.now() - t0);
      mark = sse.mark();
      startApi.push(await time(() => server.api.post(`/api/hosts/${HOST}/domains/${target}/start`)));
      await sse.next<GuestSummary>('guest', seen('running'), 60_000, mark);
      mark = sse.mark();
      destroyApi.push(await time(() => server.api.post(`/api/hosts/${HOST}/domains/${target}/destroy`)));
      await sse.next<GuestSummary>('guest', seen('shutoff'), 60_000, mark);
    }
    return {
      guests: names.length,
      connectMs,
      listApiMs: median(listApi),
      listVirshMs: median(listVirsh),
      eventStartMs: median(eventStart),
      eventStopMs: median(eventStop),
      startApiMs: median(startApi),
      startVirshMs: median(startVirsh),
      destroyApiMs: median(destroyApi),
      destroyVirshMs: median(destroyVirsh),
    };
  } finally {
    sse.close();
    await server.api.delete(`/api/hosts/${HOST}`).catch(() => undefined);
    for (const name of names) {
      await libvirt.virsh('destroy', name).catch(() => undefined);
      await libvirt.virsh('undefine', name).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

export function reportLibvirtHost(r: LibvirtHostResults): void {
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
  console.log(`\nlibvirt host (qemu:///system), ${r.guests} guests defined through virsh, medians`);
  console.log(`  connect: POST /api/hosts → connected, every guest read: ${ms(r.connectMs)} (${ms(r.connectMs / r.guests)} a guest)`);
  console.log(`  list: GET /api/hosts/ID/domains ${ms(r.listApiMs)} vs virsh list --all ${ms(r.listVirshMs)} (${ratio(r.listApiMs, r.listVirshMs)})`);
  console.log(`  event → SSE client: virsh start ${ms(r.eventStartMs)} (includes virsh start itself), virsh destroy ${ms(r.eventStopMs)}`);
  console.log(`  start: POST …/start through virtdeck ${ms(r.startApiMs)} vs virsh start ${ms(r.startVirshMs)} (${ratio(r.startApiMs, r.startVirshMs)})`);
  console.log(`  destroy: POST …/destroy through virtdeck ${ms(r.destroyApiMs)} vs virsh destroy ${ms(r.destroyVirshMs)} (${ratio(r.destroyApiMs, r.destroyVirshMs)})`);
}
