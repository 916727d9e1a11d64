import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Every process whose command line or working directory mentions `text` (e.g. a state
 * directory; a confined QEMU names only its own folder under /run, but works in the guest's run
 * folder): what a test must not leave behind. Each as `PID: COMMAND LINE`, so a failing
 * assertion shows what it was.
 */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && (cmdline.includes(text) || workingDir(entry).includes(text))) found.push(`${entry}: ${cmdline.replaceAll('\0', ' ').trim()}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** With a trailing slash, so that `run/NAME/` matches the folder itself; empty when it may not be read. */
function workingDir(pid: string): string {
  try {
    return `${readlinkSync(`/proc/${pid}/cwd`)}/`;
  } catch {
    return '';
  }
}

/** Kills every process that mentions `text` (guests outlive servers by design; tests must not). */
export function killProcessesMentioning(text: string): void {
  for (const entry of processesMentioning(text)) {
    try {
      process.kill(Number.parseInt(entry, 10), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
