import { readFile } from 'node:fs/promises';

/** Polls `check` until it returns a value or `timeoutMs` passes; the error says what was awaited. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `file` contains `text` (a guest's serial log showing its ready marker, say). */
export function waitForText(file: string, text: string, timeoutMs = 60_000): Promise<string> {
  return waitFor(`'${text}' in ${file}`, async () => {
    const content = await readFile(file, 'utf8').catch(() => '');
    return content.includes(text) ? content : undefined;
  }, timeoutMs);
}
