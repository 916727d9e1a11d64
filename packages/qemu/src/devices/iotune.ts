/**
 * <iotune> as libvirt 9 applies it with -blockdev: no option on the command line, but a
 * block_set_io_throttle on the disk's device before the CPUs run (qemuProcessSetupDiskThrottling).
 */
import type { Disk, IotuneLimit } from '@virtdeck/schema';
import type { BuildContext } from '../build/context.js';
import type { JsonObject } from '../options.js';

/** QEMU's name for each <iotune> child (BlockIOThrottle). */
const QMP_NAMES = {
  total_bytes_sec: 'bps',
  read_bytes_sec: 'bps_rd',
  write_bytes_sec: 'bps_wr',
  total_iops_sec: 'iops',
  read_iops_sec: 'iops_rd',
  write_iops_sec: 'iops_wr',
  total_bytes_sec_max: 'bps_max',
  read_bytes_sec_max: 'bps_rd_max',
  write_bytes_sec_max: 'bps_wr_max',
  total_iops_sec_max: 'iops_max',
  read_iops_sec_max: 'iops_rd_max',
  write_iops_sec_max: 'iops_wr_max',
  size_iops_sec: 'iops_size',
  total_bytes_sec_max_length: 'bps_max_length',
  read_bytes_sec_max_length: 'bps_rd_max_length',
  write_bytes_sec_max_length: 'bps_wr_max_length',
  total_iops_sec_max_length: 'iops_max_length',
  read_iops_sec_max_length: 'iops_rd_max_length',
  write_iops_sec_max_length: 'iops_wr_max_length',
} as const satisfies Record<IotuneLimit, string>;

/** The six rates QEMU requires in every call (0: unlimited). */
const RATES = ['total_bytes_sec', 'read_bytes_sec', 'write_bytes_sec', 'total_iops_sec', 'read_iops_sec', 'write_iops_sec'] as const;

/** The limit names of one bucket (bytes or iops; total, read or write), for QEMU's own checks. */
const BUCKETS = (['bytes', 'iops'] as const).flatMap((unit) =>
  (['total', 'read', 'write'] as const).map((dir) => ({
    avg: `${dir}_${unit}_sec` as IotuneLimit,
    max: `${dir}_${unit}_sec_max` as IotuneLimit,
    length: `${dir}_${unit}_sec_max_length` as IotuneLimit,
  })),
);

/**
 * The name block_set_io_throttle finds the disk's block backend by, as libvirt's qomName: a
 * virtio disk's backend is on the virtio device inside the PCI proxy the -device id names.
 */
function qomName(id: string, driver: string): string {
  return driver.startsWith('virtio-blk') ? `/machine/peripheral/${id}/virtio-backend` : id;
}

/**
 * Queues the disk's throttling for the launch (its -device `id` and `driver`). QEMU's own rules
 * are checked here, so that a definition it would refuse fails at its element, not mid-start.
 */
export function planDiskThrottle(ctx: BuildContext, disk: Disk, id: string, driver: string): void {
  const tune = disk.iotune;
  if (!tune) return;
  const at = tune.node;
  for (const { avg, max, length } of BUCKETS) {
    const [a, m, l] = [tune[avg], tune[max], tune[length]];
    if (m !== undefined && m > 0 && !a) ctx.diagnostics.error('invalid-combination', at, `${max} needs ${avg}: QEMU allows a burst only above a set rate.`);
    else if (m !== undefined && a !== undefined && m > 0 && m < a) ctx.diagnostics.error('invalid-combination', at, `${max} (${m}) cannot be below ${avg} (${a}).`);
    if (l !== undefined && l > 1 && !m) ctx.diagnostics.error('invalid-combination', at, `${length} needs ${max}: a burst length is for a burst rate.`);
  }
  if (!ctx.runtime) return;
  const command = diskThrottleCommand(disk, id, driver);
  if (command) ctx.launch.qmp.push(command);
}

/**
 * The block_set_io_throttle of a disk with <iotune>, for its -device `id` and `driver`: what a
 * start sends before the CPUs run, and a hot-plug after its device_add (libvirt's
 * qemuDomainAttachDiskGeneric), checked by planDiskThrottle while the device was built.
 */
export function diskThrottleCommand(disk: Disk, id: string, driver: string): { execute: 'block_set_io_throttle'; arguments: JsonObject } | undefined {
  const tune = disk.iotune;
  if (!tune) return undefined;
  const args: JsonObject = { id: qomName(id, driver) };
  for (const limit of RATES) args[QMP_NAMES[limit]] = tune[limit] ?? 0;
  for (const [limit, name] of Object.entries(QMP_NAMES) as Array<[IotuneLimit, string]>) {
    const value = tune[limit];
    if (value !== undefined && !(name in args)) args[name] = value;
  }
  // Disks of one group share its limits; without one QEMU gives the disk a group of its own.
  if (tune.groupName !== undefined) args.group = tune.groupName;
  return { execute: 'block_set_io_throttle', arguments: args };
}
