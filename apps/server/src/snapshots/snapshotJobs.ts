/**
 * Internal snapshots of a running QEMU (QMP snapshot-save, snapshot-load, snapshot-delete, QEMU ≥ 6.0).
 * Each is a job: QEMU answers at once and reports the end as JOB_STATUS_CHANGE `concluded`;
 * whether it worked is only in query-jobs, and the job stays listed until it is dismissed.
 * QEMU itself pauses the guest while it saves or loads and lets it run again after (STOP/RESUME).
 */
import { randomBytes } from 'node:crypto';
import type { QmpClient } from '@virtdeck/qmp';
import { describeError, VirtdeckError } from '../errors.js';

export type SnapshotJobCommand = 'snapshot-save' | 'snapshot-load' | 'snapshot-delete';

const WHAT: Record<SnapshotJobCommand, string> = {
  'snapshot-save': 'save the snapshot',
  'snapshot-load': 'revert to the snapshot',
  'snapshot-delete': 'delete the snapshot',
};

/** Saving copies the guest's whole memory into the image; a big guest on a slow disk takes a while. */
export const SNAPSHOT_JOB_TIMEOUT_MS = 10 * 60_000;

interface BlockDevice {
  qdev?: string;
  device?: string;
  inserted?: { 'node-name': string; ro: boolean; drv: string; file: string };
}

interface JobInfo {
  id: string;
  status: string;
  error?: string;
}

/** The top nodes of the running guest's writable disks, each of which must be qcow2 (the NVRAM flash, too, is one). */
export async function writableQcow2Nodes(qmp: QmpClient, guest: string): Promise<string[]> {
  const devices = await qmp.execute<BlockDevice[]>('query-block');
  const nodes: string[] = [];
  for (const device of devices) {
    const inserted = device.inserted;
    if (inserted === undefined || inserted.ro) continue;
    if (inserted.drv !== 'qcow2') {
      const which = device.qdev || device.device || inserted['node-name'];
      throw new VirtdeckError('conflict', `The running '${guest}' writes ${inserted.file} (${which}) as ${inserted.drv}; internal snapshots need every writable disk in qcow2`);
    }
    nodes.push(inserted['node-name']);
  }
  if (nodes.length === 0) throw new VirtdeckError('conflict', `The running '${guest}' has no writable qcow2 disk to keep a snapshot in`);
  return nodes;
}

/** Runs one snapshot job to its end; a failed job is a `qemu-failed` error with QEMU's reason. */
export async function runSnapshotJob(qmp: QmpClient, command: SnapshotJobCommand, args: Record<string, unknown>, timeoutMs = SNAPSHOT_JOB_TIMEOUT_MS): Promise<void> {
  const id = `virtdeck-${command}-${randomBytes(4).toString('hex')}`;
  // QEMU may conclude the job before it answers the command: listen first.
  const concluded = qmp.waitForEvent('JOB_STATUS_CHANGE', { timeoutMs, filter: (event) => event.data.id === id && event.data.status === 'concluded' });
  concluded.catch(() => undefined);
  try {
    await qmp.execute(command, { 'job-id': id, ...args });
    await concluded;
  } catch (error) {
    throw new VirtdeckError('qemu-failed', `QEMU could not ${WHAT[command]}: ${describeError(error)}`, { cause: error });
  }
  const job = (await qmp.execute<JobInfo[]>('query-jobs')).find((j) => j.id === id);
  await qmp.execute('job-dismiss', { id });
  if (job?.error !== undefined) throw new VirtdeckError('qemu-failed', `QEMU could not ${WHAT[command]}: ${job.error}`);
}
