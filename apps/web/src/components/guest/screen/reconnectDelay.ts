const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 15_000;

/**
 * How long to wait before connection attempt `attempt` (1 after the first failure): doubling
 * from half a second up to 15 s, with up to a quarter less at random, so viewers cut off
 * together (a server restart) do not all come back at the same moment.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - random() / 4));
}
