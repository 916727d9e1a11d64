import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONSOLE_CLOSE_CODES, LOCAL_HOST_ID, type ConsoleNotice } from '../api.js';
import type { AccessToken } from '../auth/accessToken.js';
import type { SerialEndpoint } from '../drivers/Driver.js';
import { toVirtdeckError, VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import type { Hosts } from '../hosts/Hosts.js';
import { DISPLAY_PATH } from '../vnc/displayPath.js';
import { unauthorized } from './auth.js';
import { crossSiteProblem } from './browserGuards.js';
import type { HostAllowList } from './hostAllowList.js';
import { closeWebSocket } from './webSocketClose.js';
import { WebSocketViewer } from './WebSocketViewer.js';

/** The local host's `/api/domains/NAME/console`, and any host's `/api/hosts/ID/domains/NAME/console`. */
const CONSOLE_PATH = /^\/api\/(?:hosts\/([a-z0-9-]+)\/)?domains\/([^/]+)\/console$/;
/** Keystrokes and pastes; a bigger frame is not a person typing. */
const MAX_INPUT_FRAME_BYTES = 64 * 1024;

/**
 * `WS /api/domains/:name/console` (and the same under `/api/hosts/:id`): the guest's first serial port, bytes both ways. The
 * upgrade is checked like every API request (token) and for its Origin; a guest that does
 * not exist or does not run is reported with a close code, after the scrollback; one whose
 * console another client holds gets the scrollback and a notice (a text frame, ConsoleNotice).
 */
export function attachConsoleSockets(server: Server, deps: { guestHosts: Hosts; token: AccessToken; tokenFile: string; hosts: HostAllowList; logger: Logger }): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INPUT_FRAME_BYTES });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://virtdeck.invalid');
    // The graphical console's upgrades are answered by vnc/displaySocket.ts.
    if (DISPLAY_PATH.test(url.pathname)) return;
    const match = CONSOLE_PATH.exec(url.pathname);
    const wrongHost = deps.hosts.problem(req.headers.host);
    if (wrongHost) return refuse(socket, new VirtdeckError('misdirected-request', `WebSocket refused: ${wrongHost}`));
    if (!match?.[2]) return refuse(socket, new VirtdeckError('not-found', `No WebSocket endpoint at ${url.pathname}`));
    const credential = deps.token.credential(req.headers);
    if (!credential) return refuse(socket, unauthorized(deps.tokenFile));
    // Browsers do not apply the same-origin policy to WebSockets: the Origin is all there is.
    const problem = crossSiteProblem(req.headers, credential);
    if (problem) return refuse(socket, new VirtdeckError('forbidden', `WebSocket refused: ${problem}`));
    const host = match[1] ?? LOCAL_HOST_ID;
    let name: string;
    try {
      name = decodeURIComponent(match[2]);
    } catch {
      return refuse(socket, new VirtdeckError('invalid-request', 'The guest name in the URL is not valid percent-encoding'));
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveConsole(ws, host, name, deps.guestHosts, deps.logger).catch((error: unknown) => {
        deps.logger.error({ host, name, err: error }, 'console WebSocket failed');
        closeWebSocket(ws, 1011, `the console failed: ${toVirtdeckError(error).message}`);
      });
    });
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgrade(req, socket, head);
    } catch (error) {
      deps.logger.error({ err: error, url: req.url }, 'console WebSocket upgrade failed');
      refuse(socket, toVirtdeckError(error));
    }
  });
  return wss;
}

async function serveConsole(ws: WebSocket, host: string, name: string, guestHosts: Hosts, logger: Logger): Promise<void> {
  const invalid = guestNameProblem(name);
  let target: SerialEndpoint;
  try {
    if (invalid) throw new Error(invalid);
    target = guestHosts.driver(host).serialConsole(name);
  } catch (error) {
    closeWebSocket(ws, CONSOLE_CLOSE_CODES.unknownGuest, invalid ? `no guest named '${name}'` : toVirtdeckError(error).message);
    return;
  }
  const { live } = target;
  if (!live && target.unreadable) {
    closeWebSocket(ws, CONSOLE_CLOSE_CODES.unreadable, target.unreadable);
    return;
  }
  if (!live && target.heldElsewhere) {
    // What virtdeck saw, then the notice as a text frame (output is always binary); the socket
    // stays open and is closed when virtdeck has the console again, so the viewer reconnects to it.
    const { heldElsewhere } = target;
    const release = heldElsewhere.wait({ close: (code, reason) => closeWebSocket(ws, code, reason) });
    ws.on('close', release);
    ws.send(await target.scrollback());
    const notice: ConsoleNotice = { notice: 'held-elsewhere', message: heldElsewhere.message };
    ws.send(JSON.stringify(notice));
    return;
  }
  if (!live) {
    const scrollback = await target.scrollback();
    if (scrollback.length > 0) ws.send(scrollback);
    closeWebSocket(ws, CONSOLE_CLOSE_CODES.notRunning, `'${name}' is not running`);
    return;
  }
  const viewer = new WebSocketViewer(ws, (code, reason) => {
    if (code === CONSOLE_CLOSE_CODES.tooSlow) logger.warn({ name, reason }, 'console viewer dropped: it did not read its output');
  });
  const detach = live.attach(viewer);
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    try {
      live.write(toBuffer(data));
    } catch (error) {
      logger.warn({ name, err: error }, 'console input could not be passed on');
    }
  });
  ws.on('close', detach);
  ws.on('error', (error) => logger.debug({ name, err: error }, 'console WebSocket error'));
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/** Answers a refused upgrade with the API's JSON error, then closes the socket. */
export function refuse(socket: Duplex, error: VirtdeckError): void {
  const body = JSON.stringify(error.toJSON());
  socket.end(
    `HTTP/1.1 ${error.status} ${error.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
