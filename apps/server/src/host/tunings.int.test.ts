/**
 * The tunings a definition asks for are applied to the real QEMU, not dropped: vCPU, iothread
 * and emulator pinning (the threads' Cpus_allowed_list), disk I/O limits (query-block), at the
 * start and on a disk hot-plugged later, the balloon's statistics period (qom-get), the console
 * serial's own log file (the guest's output, appended to what was there), <memtune> in a
 * cgroup v2 (memory.max). What the host cannot give refuses the start: a pin to a CPU it
 * lacks, <memtune> without cgroup v2's memory controller, huge pages it has not got free.
 */
import { readFile, rm, mkdtemp, writeFile, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCpuset } from '@virtdeck/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qemuUser } from '../confine/qemuUser.js';
import { demoGuestXml } from '../demoGuest.js';
import { attachLive, type LiveContext } from '../devices/liveChanges.js';
import { RunDir } from '../guests/RunDir.js';
import { startGuest, type StartOptions } from '../guests/startGuest.js';
import { terminate } from '../guests/qemuProcess.js';
import type { GuestRuntime } from '../guests/GuestRuntime.js';
import { networkHost } from '../networks/networkHost.js';
import { sharedImageProbe } from '../preflight/imageProbe.js';
import { demoGuest } from '../testing/demoGuest.js';
import { waitForText } from '../testing/waitFor.js';
import { releaseGuestTuning } from './guestTuning.js';
import { hugepageHost } from './hugepages.js';
import { cgroupHost, guestCgroup } from './memoryCgroup.js';
import { probeCapabilities } from './probeCapabilities.js';
import { allowedHostCpus } from './threadAffinity.js';

const guest = demoGuest();

function startOptions(stateDir: string, name: string, xml: string): StartOptions {
  return {
    name,
    xml,
    run: new RunDir(stateDir, name),
    capabilities: () => probeCapabilities(),
    monitorTimeoutMs: 15_000,
    commandTimeoutMs: 10_000,
    serialLogMaxBytes: 1024 * 1024,
    onLogError: () => undefined,
    onLaunched: () => undefined,
    onEvent: () => undefined,
  };
}

const allowedList = async (pid: number, tid: number): Promise<string> =>
  /^Cpus_allowed_list:\s*(\S+)$/m.exec(await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8'))?.[1] ?? '';

describe('tunings applied to the running guest', () => {
  let dir: string;
  let runtime: GuestRuntime | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-tune-'));
  });
  afterAll(async () => {
    if (runtime) {
      runtime.release();
      await terminate(runtime.process, 2000);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('pins the vCPU and the emulator, throttles the disk (and one hot-plugged later), polls balloon stats and logs the serial port', async () => {
    const cpus = await allowedHostCpus();
    const vcpuCpu = cpus.at(-1) ?? 0;
    const emulatorCpu = cpus[0] ?? 0;
    const image = path.join(dir, 'disk.raw');
    await writeFile(image, '');
    await truncate(image, 1024 * 1024);
    const log = path.join(dir, 'serial.log');
    await writeFile(log, 'from an earlier run\n');
    const xml = demoGuestXml('tuned', guest)
      .replace("<vcpu placement='static'>1</vcpu>", `<vcpu placement='static'>1</vcpu>\n  <iothreads>2</iothreads>\n  <cputune><vcpupin vcpu='0' cpuset='${vcpuCpu}'/><emulatorpin cpuset='${emulatorCpu}'/><iothreadpin iothread='1' cpuset='${vcpuCpu}'/></cputune>`)
      .replace("<serial type='pty'>", `<serial type='pty'><log file='${log}' append='on'/>`)
      .replace(
        "<memballoon model='virtio'/>",
        `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${image}'/><target dev='vda' bus='virtio'/>` +
          '<iotune><total_bytes_sec>1048576</total_bytes_sec><read_iops_sec>100</read_iops_sec><read_iops_sec_max>200</read_iops_sec_max><group_name>slow</group_name></iotune></disk>\n' +
          // empty ports for the disk plugged in while it runs (a q35 root bus takes none), as virt-install adds them
          Array.from({ length: 6 }, (_, i) => `    <controller type='pci' index='${i + 1}' model='pcie-root-port'/>\n`).join('') +
          "    <memballoon model='virtio'><stats period='7'/></memballoon>",
      );
    runtime = await startGuest(startOptions(dir, 'tuned', xml));
    const qmp = runtime.qmp!;

    const [vcpu] = await qmp.execute<Array<{ 'thread-id': number }>>('query-cpus-fast');
    expect(await allowedList(runtime.pid, vcpu!['thread-id'])).toBe(String(vcpuCpu));
    expect(await allowedList(runtime.pid, runtime.pid)).toBe(String(emulatorCpu));
    const iothreads = await qmp.execute<Array<{ id: string; 'thread-id': number }>>('query-iothreads');
    const iothread = (id: string) => iothreads.find((t) => t.id === id)?.['thread-id'] ?? 0;
    expect(await allowedList(runtime.pid, iothread('iothread1'))).toBe(String(vcpuCpu));
    // Not pinned: the emulator's set does not hold it, it runs on any host CPU.
    expect(parseCpuset(await allowedList(runtime.pid, iothread('iothread2')), 8192)).toEqual(cpus);

    const blocks = await qmp.execute<Array<{ qdev?: string; inserted?: Record<string, unknown> }>>('query-block');
    expect(blocks.find((b) => b.qdev === '/machine/peripheral/virtio-disk0/virtio-backend')?.inserted).toMatchObject({ bps: 1048576, bps_rd: 0, iops: 0, iops_rd: 100, iops_rd_max: 200, group: 'slow' });

    const period = await qmp.execute<number>('qom-get', { path: '/machine/peripheral/balloon0', property: 'guest-stats-polling-interval' });
    expect(period).toBe(7);

    const written = await waitForText(log, guest.readyMarker);
    expect(written.startsWith('from an earlier run\n')).toBe(true);

    // A disk attached to the running guest gets its <iotune> as a start gives it (block_set_io_throttle after device_add);
    // once it has booted, so that its PCIe ports are numbered and QEMU lists what is on them.
    const hot = path.join(dir, 'hot.raw');
    await writeFile(hot, '');
    await truncate(hot, 1024 * 1024);
    const live: LiveContext = {
      name: 'tuned',
      qmp,
      xml: runtime.xml,
      caps: await probeCapabilities(),
      networks: await networkHost(dir, new RunDir(dir, 'tuned')),
      baseDir: new RunDir(dir, 'tuned').dir,
      user: await qemuUser(),
      ownersFile: new RunDir(dir, 'tuned').ownersFile,
      tapsFile: new RunDir(dir, 'tuned').tapsFile,
      probe: sharedImageProbe,
    };
    const text = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${hot}'/><target dev='vdb' bus='virtio'/><iotune><write_bytes_sec>524288</write_bytes_sec><total_iops_sec>30</total_iops_sec></iotune></disk>`;
    runtime.xml = (await attachLive(live, { kind: 'disk', text })).xml;
    const after = await qmp.execute<Array<{ qdev?: string; inserted?: Record<string, unknown> }>>('query-block');
    expect(after.find((b) => b.qdev === '/machine/peripheral/virtio-disk1/virtio-backend')?.inserted).toMatchObject({ bps: 0, bps_wr: 524288, iops: 30, iops_rd: 0 });
    // the disk of the start keeps its own limits
    expect(after.find((b) => b.qdev === '/machine/peripheral/virtio-disk0/virtio-backend')?.inserted).toMatchObject({ bps: 1048576, iops_rd: 100 });
  }, 90_000);

  it('refuses to start a guest pinned to a CPU this host does not have, naming it', async () => {
    const cpus = await allowedHostCpus();
    const absent = Math.max(...cpus) + 1;
    const xml = demoGuestXml('mispinned', guest).replace("<vcpu placement='static'>1</vcpu>", `<vcpu placement='static'>1</vcpu>\n  <cputune><vcpupin vcpu='0' cpuset='${absent}'/></cputune>`);
    await expect(startGuest(startOptions(dir, 'mispinned', xml))).rejects.toMatchObject({
      message: expect.stringContaining(`The CPU set '${absent}' names CPU ${absent}, but this host has CPUs`) as unknown,
    });
  });
});

describe('tunings this host may not give', () => {
  let dir: string;
  let runtime: GuestRuntime | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-tune-host-'));
  });
  afterAll(async () => {
    if (runtime) {
      runtime.release();
      await terminate(runtime.process, 2000);
      await releaseGuestTuning(new RunDir(dir, 'limited').dir);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('caps the guest with <memtune> in a cgroup v2 where the host has one, and refuses the start where not', async () => {
    const xml = demoGuestXml('limited', guest).replace(
      "<vcpu placement='static'>1</vcpu>",
      "<memtune><hard_limit unit='MiB'>512</hard_limit><soft_limit unit='MiB'>384</soft_limit></memtune>\n  <vcpu placement='static'>1</vcpu>",
    );
    const cgroups = await cgroupHost();
    const start = startGuest(startOptions(dir, 'limited', xml));
    if (cgroups.mount === undefined) {
      await expect(start).rejects.toMatchObject({ message: expect.stringContaining(`<memtune> limits need cgroup v2's memory controller, and ${cgroups.problem}`) as unknown });
      return;
    }
    runtime = await start;
    const cgroup = guestCgroup(cgroups.mount, new RunDir(dir, 'limited').dir);
    expect(await readFile(path.join(cgroup, 'memory.max'), 'utf8')).toBe(`${512 * 2 ** 20}\n`);
    expect(await readFile(path.join(cgroup, 'memory.high'), 'utf8')).toBe(`${384 * 2 ** 20}\n`);
    expect((await readFile(path.join(cgroup, 'cgroup.procs'), 'utf8')).split('\n')).toContain(String(runtime.pid));
  }, 60_000);

  it('refuses huge pages the host has not got free, saying how many it would take', async () => {
    const host = await hugepageHost();
    const free = host.free.get(2048) ?? 0;
    // The demo guest's 256 MiB are 128 pages of 2 MiB: ask for more than are free.
    const memory = `${Math.max(256, (free + 1) * 2)}`;
    const xml = demoGuestXml('huge', guest)
      .replace("<memory unit='MiB'>256</memory>", `<memory unit='MiB'>${memory}</memory>\n  <memoryBacking><hugepages><page size='2' unit='MiB'/></hugepages></memoryBacking>`);
    await expect(startGuest(startOptions(dir, 'huge', xml))).rejects.toMatchObject({
      message: expect.stringContaining(host.free.has(2048) ? `huge pages of 2 MiB, and this host has ${free} free` : 'This host has no 2 MiB huge pages') as unknown,
    });
  });
});
