import { BadStateFile, MissingStateFile, readStateTail } from '../storage/stateFile.js';
import { VirtdeckError } from '../errors.js';

/** How much of QEMU's log the guest page gets: its end, where the last launches are. */
export const QEMU_LOG_SHOWN_BYTES = 2 * 1024 * 1024;

/**
 * QEMU's log (run/NAME/qemu.log) as the guest page shows it: read without following a link
 * planted in its place, only from a regular file, and only its last `maxBytes` (from the first
 * whole line), after a line that says how much earlier output was cut. No log yet: empty.
 */
export async function readQemuLog(file: string, maxBytes = QEMU_LOG_SHOWN_BYTES): Promise<string> {
  let tail;
  try {
    tail = await readStateTail(file, maxBytes);
  } catch (error) {
    if (error instanceof MissingStateFile) return '';
    if (error instanceof BadStateFile) throw new VirtdeckError('unavailable', `QEMU's log cannot be shown: ${error.message}`);
    throw error;
  }
  if (tail.skipped === 0) return tail.data.toString('utf8');
  // The cut may fall inside a line (or a UTF-8 sequence): start at the next whole line.
  const newline = tail.data.indexOf(10);
  const start = newline >= 0 ? newline + 1 : 0;
  const cut = tail.skipped + start;
  return `[virtdeck: the first ${mebibytes(cut)} (${cut} bytes) of QEMU's log are cut; the last ${mebibytes(tail.data.length - start)} follow]\n${tail.data.subarray(start).toString('utf8')}`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
