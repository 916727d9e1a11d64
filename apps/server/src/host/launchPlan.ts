/**
 * The server's side of @virtdeck/qemu's launch plan: the secret files QEMU reads at start
 * (written 0600 in the guest's 0700 run folder, removed once QEMU has read them) and the QMP
 * commands to send while the CPUs are still stopped.
 */
import fs from 'node:fs/promises';
import type { LaunchPlan } from '@virtdeck/qemu';
import type { QmpClient } from '@virtdeck/qmp';

export async function writeLaunchSecrets(plan: LaunchPlan): Promise<void> {
  for (const secret of plan.secrets) {
    await fs.rm(secret.path, { force: true });
    await fs.writeFile(secret.path, secret.content, { mode: 0o600, flag: 'wx' });
  }
}

/** QEMU reads its secret objects before it opens the monitor: once QMP answers they are no longer needed. */
export async function removeLaunchSecrets(plan: LaunchPlan): Promise<void> {
  await Promise.all(plan.secrets.map((secret) => fs.rm(secret.path, { force: true })));
}

export async function runPrelaunchCommands(plan: LaunchPlan, qmp: QmpClient): Promise<void> {
  for (const command of plan.qmp) await qmp.execute(command.execute, command.arguments);
}
