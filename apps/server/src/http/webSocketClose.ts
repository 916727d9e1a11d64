import type { WebSocket } from 'ws';

/** RFC 6455 §5.5: a close frame's payload is at most 125 bytes, 2 of them the code. */
export const MAX_CLOSE_REASON_BYTES = 123;
const ELLIPSIS = '…';

/** A close reason that fits the frame: cut at a character boundary, with an ellipsis when cut. */
export function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  const budget = MAX_CLOSE_REASON_BYTES - Buffer.byteLength(ELLIPSIS);
  let bytes = 0;
  let end = 0;
  for (const char of reason) {
    bytes += Buffer.byteLength(char);
    if (bytes > budget) break;
    end += char.length;
  }
  return reason.slice(0, end) + ELLIPSIS;
}

/**
 * Every close of a WebSocket goes through here: `ws.close` throws on a reason over 123
 * bytes (a guest's name in it is enough), and a throw there must never reach the process.
 */
export function closeWebSocket(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, closeReason(reason));
  } catch {
    ws.terminate();
  }
}
