/**
 * The server's side of @virtdeck/qemu's launch plan: the secret files QEMU reads at start
 * (written 0600 in QEMU's folder, owned by QEMU's user, removed once QEMU has read them) and
 * the QMP commands to send while the CPUs are still stopped.
 */
import fs from 'node:fs/promises';
import type { LaunchPlan } from '@virtdeck/qemu';
import type { QmpClient } from '@virtdeck/qmp';
import type { QemuUser } from '../confine/qemuUser.js';

export async function writeLaunchSecrets(plan: LaunchPlan, owner?: QemuUser): Promise<void> {
  for (const secret of plan.secrets) {
    await fs.rm(secret.path, { force: true });
    const handle = await fs.open(secret.path, 'wx', 0o600);
    try {
      // Given to QEMU's user before the secret is in it.
      if (owner) await handle.chown(owner.uid, owner.gid);
      await handle.writeFile(secret.content);
    } finally {
      await handle.close();
    }
  }
}

/** QEMU reads its secret objects before it opens the monitor: once QMP answers they are no longer needed. */
export async function removeLaunchSecrets(plan: LaunchPlan): Promise<void> {
  await Promise.all(plan.secrets.map((secret) => fs.rm(secret.path, { force: true })));
}

export async function runPrelaunchCommands(plan: LaunchPlan, qmp: QmpClient): Promise<void> {
  for (const command of plan.qmp) await qmp.execute(command.execute, command.arguments);
}
