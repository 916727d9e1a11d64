/**
 * Bench part `uefi`: start → running (and → the ready marker) of the guest virt-manager makes
 * by default, reduced to what runs here: q35, `<os firmware='efi'>` (OVMF from QEMU's firmware
 * descriptors, direct kernel boot of the demo kernel) and an emulated TPM 2.0
 * (`<tpm model='tpm-crb'><backend type='emulator' version='2.0'/>`), through virtdeck, against
 * the same argv launched by hand: swtpm as virtdeck starts it, then
 * `qemu-system-x86_64 -daemonize`, with a variable store copied from the template beforehand.
 * The guests are started again and again (their TPM state is made once, on the warm-up round,
 * swtpm_setup for virtdeck's and by hand for the raw one), so this is the start a user waits
 * for every day, not the first one. OVMF under TCG takes about a minute to reach the marker on
 * a loaded two-core machine, so the marker is waited for only with BENCH_UEFI_READY=1.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CommandLine, GuestSummary, HostInfo } from '../api.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import { isAlive, signal } from '../guests/qemuProcess.js';
import { RunDir } from '../guests/RunDir.js';
import type { ServerProcess } from '../testing/serverProcess.js';
import { waitFor } from '../testing/waitFor.js';
import { killPidFile, waitForMarker, withoutOption } from './rawQemu.js';

const run = promisify(execFile);
const now = () => performance.now();

export interface UefiStartResults {
  virtdeck: number[];
  raw: number[];
  virtdeckReady: number[];
  rawReady: number[];
}

/** The demo guest as virt-manager's UEFI+TPM guest: q35, firmware='efi' without secure boot, tpm-crb with swtpm. */
export function uefiTpmGuestXml(name: string, files: DemoGuestFiles): string {
  return demoGuestXml(name, files)
    .replace('<os>', "<os firmware='efi'>")
    .replace('</type>', "</type>\n    <firmware><feature enabled='no' name='secure-boot'/></firmware>")
    .replace("<memballoon model='virtio'/>", "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>\n    <memballoon model='virtio'/>");
}

/** The value of the first `flag` option whose value matches. */
function option(argv: readonly string[], flag: string, match: RegExp): string {
  const value = argv.find((arg, i) => argv[i - 1] === flag && match.test(arg));
  if (value === undefined) throw new Error(`no ${flag} matching ${match} in the argv`);
  return value;
}

/** Waits until the file, past `from` bytes (from its start if it was emptied since), holds the marker. */
async function waitForMarkerInFile(file: string, from: number, marker: string): Promise<void> {
  await waitFor(
    `'${marker}' in ${file}`,
    async () => {
      const content = await readFile(file).catch(() => Buffer.alloc(0));
      const fresh = content.length < from ? content : content.subarray(from);
      return fresh.includes(marker) ? true : undefined;
    },
    180_000,
    10,
  );
}

const sizeOf = (file: string) => stat(file).then((s) => s.size, () => 0);

export async function uefiTpmStart(
  server: ServerProcess,
  guest: DemoGuestFiles & { readyMarker: string },
  stateDir: string,
  options: { runs: number; settleMs: number; ready: boolean; log: (message: string) => void },
): Promise<UefiStartResults> {
  const { api } = server;
  const host = (await api.get<HostInfo>('/api/host')).body;
  if (!host.tpmEmulator) throw new Error('swtpm is not installed: the UEFI+TPM bench needs it (apt-get install swtpm swtpm-tools)');
  const virtdeckName = 'bench-uefi';
  const rawName = 'bench-uefi-raw';
  for (const name of [virtdeckName, rawName]) {
    const created = await api.post('/api/domains', { xml: uefiTpmGuestXml(name, guest) });
    if (created.status !== 201) throw new Error(`defining ${name}: ${JSON.stringify(created.body)}`);
  }

  // The raw QEMU runs the argv virtdeck builds for a guest of its own, its files made by hand.
  const { argv } = (await api.get<CommandLine>(`/api/domains/${rawName}/argv`)).body;
  const rawRun = new RunDir(stateDir, rawName);
  const tpmSocket = /(?:^|,)path=([^,]+)/.exec(option(argv, '-chardev', /id=chrtpm/))?.[1];
  if (!tpmSocket) throw new Error('no swtpm socket in the argv');
  const code = JSON.parse(option(argv, '-blockdev', /libvirt-pflash0-storage/)) as { filename: string };
  const vars = JSON.parse(option(argv, '-blockdev', /libvirt-pflash1-storage/)) as { filename: string };
  const descriptor = host.firmware?.find((f) => f.executable?.filename === code.filename && f.nvramTemplate);
  if (!descriptor?.nvramTemplate) throw new Error(`no firmware descriptor with a variable store template for ${code.filename}`);
  await mkdir(path.dirname(vars.filename), { recursive: true });
  await copyFile(descriptor.nvramTemplate.filename, vars.filename);
  await mkdir(rawRun.dir, { recursive: true });
  await mkdir(path.dirname(tpmSocket), { recursive: true });
  const rawTpmState = path.join(stateDir, 'bench-raw-swtpm');
  const swtpmPid = path.join(path.dirname(tpmSocket), 'bench-swtpm.pid');
  await mkdir(rawTpmState, { recursive: true, mode: 0o700 });
  // Manufactured once, as virtdeck does on a guest's first start (outside the timed runs).
  await run(host.tpmEmulator.swtpmSetup, ['--tpm2', '--tpm-state', rawTpmState, '--createek', '--create-ek-cert', '--create-platform-cert', '--lock-nvram', '--not-overwrite']);
  const swtpmArgs = [
    'socket',
    '--tpm2',
    '--tpmstate',
    `dir=${rawTpmState},mode=0600`,
    '--ctrl',
    `type=unixio,path=${tpmSocket},mode=0600`,
    '--log',
    `file=${path.join(stateDir, 'bench-raw-swtpm.log')}`,
    '--terminate',
    '--daemon',
    '--pid',
    `file=${swtpmPid}`,
  ];
  const [emulator, ...rawArgs] = withoutOption(
    argv.filter((arg) => arg !== '-S'),
    // -daemonize forks, which the seccomp sandbox (spawn=deny) kills with SIGSYS.
    '-sandbox',
  );
  const rawCommand = [...rawArgs, '-daemonize'];

  const results: UefiStartResults = { virtdeck: [], raw: [], virtdeckReady: [], rawReady: [] };
  const virtdeckLog = new RunDir(stateDir, virtdeckName).serialLog;
  const viaVirtdeck = async (counted: boolean) => {
    const from = await sizeOf(virtdeckLog);
    const t0 = now();
    const started = await api.post<GuestSummary>(`/api/domains/${virtdeckName}/start`);
    const t1 = now();
    if (started.body.state !== 'running') throw new Error(`virtdeck start failed: ${JSON.stringify(started.body)}`);
    if (options.ready) await waitForMarkerInFile(virtdeckLog, from, guest.readyMarker);
    const t2 = now();
    await api.post(`/api/domains/${virtdeckName}/destroy`);
    if (counted) {
      results.virtdeck.push(t1 - t0);
      if (options.ready) results.virtdeckReady.push(t2 - t0);
    }
  };
  const viaRawQemu = async (counted: boolean) => {
    await Promise.all([tpmSocket, swtpmPid].map((file) => rm(file, { force: true })));
    const t0 = now();
    await run(host.tpmEmulator!.swtpm, swtpmArgs);
    await run(emulator as string, rawCommand, { env: { ...process.env, LC_ALL: 'C' } });
    const t1 = now();
    if (options.ready) await waitForMarker(rawRun.consoleSocket, guest.readyMarker);
    const t2 = now();
    await killPidFile(rawRun.pidFile);
    // swtpm ends by itself once QEMU's connection closes (--terminate); make sure of it.
    const pid = Number((await readFile(swtpmPid, 'utf8').catch(() => '')).trim());
    if (pid > 0 && isAlive(pid)) {
      signal(pid, 'SIGTERM');
      await waitFor(`swtpm ${pid} to exit`, () => (isAlive(pid) ? undefined : true));
    }
    if (counted) {
      results.raw.push(t1 - t0);
      if (options.ready) results.rawReady.push(t2 - t0);
    }
  };

  for (let round = 0; round <= options.runs; round++) {
    const counted = round > 0; // round 0 makes virtdeck's TPM state and NVRAM, and warms caches
    options.log(`UEFI+TPM start round ${round}/${options.runs}${counted ? '' : ' (warm-up)'}`);
    const columns = [() => viaVirtdeck(counted), () => viaRawQemu(counted)];
    for (let i = 0; i < columns.length; i++) {
      await columns[(round + i) % columns.length]!();
      await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    }
  }
  return results;
}
