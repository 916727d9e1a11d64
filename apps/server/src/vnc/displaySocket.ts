import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONSOLE_CLOSE_CODES, LOCAL_HOST_ID } from '../api.js';
import type { AccessToken } from '../auth/accessToken.js';
import { toVirtdeckError, VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import { unauthorized } from '../http/auth.js';
import { crossSiteProblem } from '../http/browserGuards.js';
import { refuse as refuseUpgrade } from '../http/consoleSocket.js';
import type { HostAllowList } from '../http/hostAllowList.js';
import { closeWebSocket } from '../http/webSocketClose.js';
import { DISPLAY_PATH } from './displayPath.js';
import { sessionOf, type DisplayTickets } from './DisplayTickets.js';
import type { DisplayOf, GuestDisplays } from './GuestDisplays.js';

/** A viewer's frames are keys and pointer moves; nothing legitimate comes near this. */
const MAX_VIEWER_FRAME_BYTES = 64 * 1024;
/** Stop reading QEMU while this much is still queued for a slow browser, resume below half. */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

interface DisplaySocketDeps {
  displays: GuestDisplays;
  tickets: DisplayTickets;
  token: AccessToken;
  tokenFile: string;
  hosts: HostAllowList;
  logger: Logger;
}

/**
 * Proxies the browser's RFB stream to the guest's VNC UNIX socket, byte for byte. The
 * upgrade must pass the serial console's checks (Host, token, Origin for the cookie), and a
 * one-time ticket for this guest from this session; VNC's own password, when the definition
 * sets one, is then asked by QEMU itself.
 */
export function attachDisplaySockets(server: Server, deps: DisplaySocketDeps): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_VIEWER_FRAME_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://virtdeck.invalid');
    const match = DISPLAY_PATH.exec(url.pathname);
    if (!match?.[2]) return;
    const wrongHost = deps.hosts.problem(req.headers.host);
    if (wrongHost) return refuseUpgrade(socket, new VirtdeckError('misdirected-request', `WebSocket refused: ${wrongHost}`));
    const credential = deps.token.credential(req.headers);
    if (!credential) return refuseUpgrade(socket, unauthorized(deps.tokenFile));
    const problem = crossSiteProblem(req.headers, credential);
    if (problem) return refuseUpgrade(socket, new VirtdeckError('forbidden', `WebSocket refused: ${problem}`));
    let name: string;
    try {
      name = decodeURIComponent(match[2]);
    } catch {
      return refuseUpgrade(socket, new VirtdeckError('invalid-request', 'The guest name in the URL is not valid percent-encoding'));
    }
    const invalid = guestNameProblem(name);
    if (invalid) return refuseUpgrade(socket, new VirtdeckError('invalid-request', invalid));
    const guest = { host: match[1] ?? LOCAL_HOST_ID, name };
    const refused = deps.tickets.redeem(url.searchParams.get('ticket') ?? undefined, guest, sessionOf(req));
    if (refused) return refuseUpgrade(socket, new VirtdeckError('forbidden', `WebSocket refused: ${refused}`));
    wss.handleUpgrade(req, socket, head, (ws) => void serveDisplay(ws, guest, deps));
  });
  return wss;
}

async function serveDisplay(ws: WebSocket, guest: DisplayOf, { displays, logger }: DisplaySocketDeps): Promise<void> {
  const { name } = guest;
  let vnc: Duplex;
  try {
    vnc = await displays.open(guest);
  } catch (error) {
    const failure = toVirtdeckError(error);
    closeWebSocket(ws, failure.code === 'not-found' ? CONSOLE_CLOSE_CODES.unknownGuest : CONSOLE_CLOSE_CODES.notRunning, failure.message);
    return;
  }
  let paused = false;
  vnc.on('data', (chunk: Buffer) => {
    ws.send(chunk, { binary: true }, () => {
      if (paused && ws.bufferedAmount < HIGH_WATER_BYTES / 2) {
        paused = false;
        vnc.resume();
      }
    });
    if (!paused && ws.bufferedAmount > HIGH_WATER_BYTES) {
      paused = true;
      vnc.pause();
    }
  });
  // QEMU closing the socket means the guest's process ended: the viewer waits for a new start.
  vnc.on('close', () => closeWebSocket(ws, CONSOLE_CLOSE_CODES.notRunning, `'${name}' stopped`));
  vnc.on('error', (error) => logger.debug({ name, err: error }, 'display socket error'));
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => vnc.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)));
  ws.on('close', () => vnc.destroy());
  ws.on('error', (error) => logger.debug({ name, err: error }, 'display WebSocket error'));
}
