import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cookieValue, TOKEN_COOKIE } from '../auth/accessToken.js';
import type { DisplayOf } from './GuestDisplays.js';

/** How long a ticket can wait for its WebSocket: enough for a page to open one, not to pass it on. */
export const DISPLAY_TICKET_TTL_MS = 15_000;
const TICKET_BYTES = 24;

interface Pending {
  guest: DisplayOf;
  session: string;
  expiresAt: number;
}

/**
 * One-time tickets for the graphical console's WebSocket (as Proxmox's vncproxy tickets): a
 * ticket opens one connection to one guest's display, from the session that asked for it,
 * within seconds. Tickets are kept by digest, so lookups do not compare the secret itself.
 */
export class DisplayTickets {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly ttlMs = DISPLAY_TICKET_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(guest: DisplayOf, session: string): { ticket: string; expiresInMs: number } {
    this.sweep();
    const ticket = randomBytes(TICKET_BYTES).toString('base64url');
    this.pending.set(digest(ticket), { guest, session, expiresAt: this.now() + this.ttlMs });
    return { ticket, expiresInMs: this.ttlMs };
  }

  /** Uses up the ticket; returns why it does not open this guest's display for this session, if it does not. */
  redeem(ticket: string | undefined, guest: DisplayOf, session: string): string | undefined {
    if (!ticket) return 'the display WebSocket needs a ticket (POST /api/domains/NAME/display-ticket)';
    const key = digest(ticket);
    const entry = this.pending.get(key);
    this.pending.delete(key);
    if (!entry) return 'the display ticket is unknown or was already used';
    if (entry.expiresAt <= this.now()) return 'the display ticket has expired';
    if (entry.guest.host !== guest.host || entry.guest.name !== guest.name) return `the display ticket is for another guest, not '${guest.name}' of host '${guest.host}'`;
    if (entry.session !== session) return 'the display ticket was issued to another session';
    return undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(key);
  }
}

/**
 * Who is asking: the credential the request carries (bearer token or cookie), the client's
 * address and its User-Agent. The ticket request and the WebSocket of one page agree on all three.
 */
export function sessionOf(req: IncomingMessage): string {
  const credential = req.headers.authorization ?? `cookie:${cookieValue(req.headers.cookie, TOKEN_COOKIE) ?? ''}`;
  return createHash('sha256')
    .update(`${credential}\0${req.socket.remoteAddress ?? ''}\0${req.headers['user-agent'] ?? ''}`)
    .digest('base64url');
}

const digest = (ticket: string): string => createHash('sha256').update(ticket).digest('base64url');
