/** Earlier definitions kept per guest (the server's history of saves); the oldest goes when a save would keep one more. */
export const HISTORY_LIMIT = 50;
