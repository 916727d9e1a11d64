import type { GuestSummary, HostSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../testing/privateLibvirtd.js';
import type { ServerProcess } from '../testing/serverProcess.js';
import { SseClient } from '../testing/sseClient.js';
import { waitFor } from '../testing/waitFor.js';
import { median, ms } from './stats.js';

const NAME = 'vdbench-migrate';

export interface MigrationResults {
  runs: number;
  virtdeckMs: number[];
  virshMs: number[];
}

/**
 * Live migration of the small TCG guest (256 MiB) between two libvirtd daemons of the
 * bench's own on this machine (privateLibvirtd.ts), through virtdeck (POST …/move { live },
 * which answers once the guest runs on the target and virtdeck has read it there) against
 * `virsh migrate --live --p2p --persistent --undefinesource` in the same run. The two take
 * turns going each way, so neither gets only one direction; the guest has booted first.
 */
export async function migrationBench(server: ServerProcess, guest: { kernel: string; initrd: string; cmdline: string; readyMarker: string }, options: { runs: number; log: (m: string) => void }): Promise<MigrationResults> {
  const daemons: PrivateLibvirtd[] = [];
  const sse = await SseClient.connect(server.url, server.token);
  try {
    // Numbered apart from the tests' daemons (2–5), so a bench may run beside them.
    for (const n of [6, 7]) daemons.push(await startPrivateLibvirtd(n));
    const hosts = ['benchmiga', 'benchmigb'] as const;
    for (const [i, id] of hosts.entries()) await server.api.post('/api/hosts', { json: { id, uri: daemons[i]?.uri } });
    await sse.next<HostSummary[]>('hosts', (list) => hosts.every((id) => list.some((h) => h.id === id && h.state === 'connected')), 60_000);
    await server.api.post(`/api/hosts/${hosts[0]}/domains`, { xml: demoGuestXml(NAME, guest) });
    await server.api.post(`/api/hosts/${hosts[0]}/domains/${NAME}/start`);
    const console = await openConsole(server.url, server.token, NAME, hosts[0]);
    try {
      await console.waitFor(guest.readyMarker, { timeoutMs: 120_000 });
    } finally {
      console.close();
    }
    options.log(`${NAME} is up on ${hosts[0]}; ${options.runs} migrations each way and each tool`);

    let at = 0;
    const virtdeckMs: number[] = [];
    const virshMs: number[] = [];
    const throughVirtdeck = async () => {
      const to = 1 - at;
      const t0 = performance.now();
      const moved = await server.api.post<GuestSummary & { message?: string }>(`/api/hosts/${hosts[at]}/domains/${NAME}/move`, { json: { to: hosts[to], live: true } });
      virtdeckMs.push(performance.now() - t0);
      if (moved.status !== 200) throw new Error(`the move from ${hosts[at]} to ${hosts[to]} answered ${moved.status}: ${moved.body.message ?? ''}`);
      at = to;
    };
    const throughVirsh = async () => {
      const to = 1 - at;
      const target = daemons[to] as PrivateLibvirtd;
      const t0 = performance.now();
      await (daemons[at] as PrivateLibvirtd).virsh('migrate', '--live', '--p2p', '--persistent', '--undefinesource', NAME, target.uri);
      virshMs.push(performance.now() - t0);
      // virtdeck must have seen it arrive, and leave, before it is asked to move it on.
      const listed = async () => {
        const [only, ...more] = (await server.api.get<GuestSummary[]>('/api/domains')).body.filter((g) => g.name === NAME);
        return more.length === 0 && only?.host === hosts[to] && only?.state === 'running' ? true : undefined;
      };
      await waitFor(`${NAME} listed on ${hosts[to]} only`, listed, 60_000);
      at = to;
    };
    for (let i = 0; i < options.runs; i++) {
      // Each tool goes first every other round, so each migrates both ways as often.
      for (const step of i % 2 === 0 ? [throughVirtdeck, throughVirsh] : [throughVirsh, throughVirtdeck]) await step();
    }
    return { runs: options.runs, virtdeckMs, virshMs };
  } finally {
    sse.close();
    for (const daemon of daemons.reverse()) await daemon.close();
  }
}

export function reportMigration(r: MigrationResults): void {
  const virtdeck = median(r.virtdeckMs);
  const virsh = median(r.virshMs);
  console.log(`\nlive migration, 256 MiB TCG guest between two libvirtd on this machine, ${r.runs} each, medians`);
  console.log(`  through virtdeck (POST …/move { live }) ${ms(virtdeck)} vs virsh migrate --live --p2p ${ms(virsh)} (${virsh > 0 ? (virtdeck / virsh).toFixed(2) : '–'}×)`);
  console.log(`  all: virtdeck ${r.virtdeckMs.map((v) => v.toFixed(0)).join(', ')} ms; virsh ${r.virshMs.map((v) => v.toFixed(0)).join(', ')} ms`);
}
