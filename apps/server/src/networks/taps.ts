/**
 * Taps on host bridges, made by the server as libvirt makes them (virNetDevTapCreateInBridgePort)
 * rather than by QEMU, which runs unprivileged: `ip tuntap add … user QEMU's-user` makes a
 * persistent tap that QEMU opens by name without privileges, `ip link set` gives it the guest's
 * MAC with a first byte of 0xFE, the interface's MTU or else the bridge's, the bridge and up.
 * Every tap is written to the run folder's record (run/NAME/taps.json) before it is made, so
 * the one teardown (a failed start, the guest's end, a guest found gone after a server restart)
 * removes each, and a hot-unplug the NIC's own. Only a device that is a tap is ever removed.
 * All through execFile with argument arrays: names come from the definition.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TapPlan } from '@virtdeck/qemu';
import type { QemuUser } from '../confine/qemuUser.js';
import { describeError, VirtdeckError } from '../errors.js';
import { writeFileAtomically } from '../storage/atomicFile.js';

const run = promisify(execFile);
const SYS_NET = '/sys/class/net';

/** One tap of the record: its name, and the MAC of the guest's NIC on it. */
export interface TapRecord {
  ifname: string;
  mac?: string;
}

/** The taps the record names (none when there is no record, or it cannot be read). */
export async function recordedTaps(file: string): Promise<TapRecord[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '[]');
  try {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter((t): t is TapRecord => typeof (t as TapRecord | null)?.ifname === 'string');
  } catch {
    return [];
  }
}

async function writeRecord(file: string, taps: readonly TapRecord[]): Promise<void> {
  if (taps.length === 0) await fs.rm(file, { force: true });
  else await writeFileAtomically(file, `${JSON.stringify(taps)}\n`, undefined, 0o600);
}

const exists = (name: string): Promise<boolean> => fs.lstat(path.join(SYS_NET, name)).then(() => true, () => false);
/** A tun or tap device has tun_flags in sysfs; a bridge, a NIC or a veth has not. */
const isTap = (name: string): Promise<boolean> => fs.stat(path.join(SYS_NET, name, 'tun_flags')).then(() => true, () => false);

async function ip(args: string[]): Promise<void> {
  try {
    await run('ip', args, { timeout: 10_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')}: ${stderr || describeError(error)}`, { cause: error });
  }
}

/** The guest's MAC with the first byte 0xFE, as libvirt gives the tap (the bridge takes the lowest MAC of its ports as its own). */
export function tapMac(mac: string): string {
  return `fe${mac.slice(2)}`.toLowerCase();
}

/**
 * Makes the taps for QEMU's user (`user`, undefined when QEMU runs as the server's own user),
 * recorded in `file`. On a failure those made here are removed again and the error names the tap.
 */
export async function createTaps(plans: readonly TapPlan[], file: string, user: QemuUser | undefined): Promise<void> {
  const made: string[] = [];
  try {
    for (const plan of plans) {
      await createTap(plan, file, user);
      made.push(plan.ifname);
    }
  } catch (error) {
    await removeTaps(file, new Set(made)).catch(() => undefined);
    throw error;
  }
}

async function createTap(plan: TapPlan, file: string, user: QemuUser | undefined): Promise<void> {
  const { ifname, bridge } = plan;
  const record = await recordedTaps(file);
  if (await exists(ifname)) {
    // Left by an earlier run of this guest (the server ended before its teardown): made anew.
    if (record.some((t) => t.ifname === ifname) && (await isTap(ifname))) await ip(['link', 'del', 'dev', ifname]);
    else throw new VirtdeckError('conflict', `A network device named '${ifname}' exists on this host already; the guest's tap needs the name (its interface's <target dev>, or a name of the guest's own)`);
  }
  if (!(await exists(bridge))) throw new VirtdeckError('host-file', `There is no bridge '${bridge}' on this host (any more) for the tap ${ifname}`);
  await writeRecord(file, [...record.filter((t) => t.ifname !== ifname), { ifname, ...(plan.mac === undefined ? {} : { mac: plan.mac }) }]);
  try {
    const owner = user ? ['user', String(user.uid), 'group', String(user.gid)] : ['user', String(process.getuid?.() ?? 0)];
    await ip(['tuntap', 'add', 'dev', ifname, 'mode', 'tap', ...owner, ...(plan.queues !== undefined && plan.queues > 1 ? ['multi_queue'] : [])]);
    const mtu = plan.mtu ?? Number((await fs.readFile(path.join(SYS_NET, bridge, 'mtu'), 'utf8')).trim());
    const link = ['link', 'set', 'dev', ifname];
    if (plan.mac !== undefined) link.push('address', tapMac(plan.mac));
    if (Number.isSafeInteger(mtu) && mtu > 0) link.push('mtu', String(mtu));
    await ip([...link, 'master', bridge, 'up']);
  } catch (error) {
    if (error instanceof VirtdeckError) throw error;
    throw new VirtdeckError('qemu-failed', `The tap ${ifname} on the bridge '${bridge}' could not be made: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Removes the recorded taps (only those in `only`, when given) and drops them from the record.
 * A name in the record that is no tap now (a device made since under that name) is left alone.
 */
export async function removeTaps(file: string, only?: ReadonlySet<string>): Promise<void> {
  const record = await recordedTaps(file);
  const going = record.filter((t) => only === undefined || only.has(t.ifname));
  if (going.length === 0) return;
  const failures: string[] = [];
  const gone = new Set<string>();
  for (const { ifname } of going) {
    try {
      if (await isTap(ifname)) await ip(['link', 'del', 'dev', ifname]);
      gone.add(ifname);
    } catch (error) {
      // kept in the record: the next teardown tries again
      failures.push(describeError(error));
    }
  }
  await writeRecord(file, record.filter((t) => !gone.has(t.ifname)));
  if (failures.length > 0) throw new Error(`taps left on the host: ${failures.join('; ')}`);
}

/** Removes the tap of the guest's NIC with this MAC address (a hot-unplug). */
export async function removeTapOf(file: string, mac: string): Promise<void> {
  const names = (await recordedTaps(file)).filter((t) => t.mac?.toLowerCase() === mac.toLowerCase()).map((t) => t.ifname);
  if (names.length > 0) await removeTaps(file, new Set(names));
}
