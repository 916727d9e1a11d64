/**
 * Ports for displays with autoport, chosen at start as libvirt chooses them: the first port
 * from 5900 up that is free on the display's listen address and not promised to another
 * guest starting at the same moment. QEMU binds it a few milliseconds later.
 */
import net from 'node:net';
import type { Domain, Graphics } from '@virtdeck/schema';

const FIRST_PORT = 5900;
const LAST_PORT = 65535;
const DEFAULT_LISTEN = '127.0.0.1';

/** Ports promised to starts in flight, released when the start is over (QEMU then holds them). */
const promised = new Set<number>();

export interface DisplayPorts {
  ports: Partial<Record<'vnc' | 'spice', number>>;
  release(): void;
}

/** The address an autoport display listens on, or undefined when it has no TCP port to choose. */
function autoportAddress(g: Graphics): string | undefined {
  if (g.type !== 'vnc' && g.type !== 'spice') return undefined;
  const first = g.listens[0];
  if (first?.type === 'socket' || first?.type === 'none' || g.socket !== undefined) return undefined;
  const auto = g.type === 'spice' ? g.autoport === true : g.autoport === true || g.port === undefined || g.port === -1;
  return auto ? (first?.address ?? g.listen ?? DEFAULT_LISTEN) : undefined;
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function chooseDisplayPorts(domain: Domain): Promise<DisplayPorts> {
  const mine: number[] = [];
  const ports: DisplayPorts['ports'] = {};
  const release = (): void => {
    for (const p of mine.splice(0)) promised.delete(p);
  };
  try {
    for (const g of domain.devices.graphics) {
      const host = autoportAddress(g);
      if (host === undefined || (g.type !== 'vnc' && g.type !== 'spice')) continue;
      let port = FIRST_PORT;
      // Promise before probing, so that a concurrent start probing meanwhile skips it.
      for (; port <= LAST_PORT; port++) {
        if (promised.has(port)) continue;
        promised.add(port);
        mine.push(port);
        if (await isFree(port, host)) break;
        promised.delete(port);
        mine.pop();
      }
      if (port > LAST_PORT) throw new Error(`no free TCP port from ${FIRST_PORT} up on ${host} for the ${g.type} display`);
      ports[g.type] = port;
    }
  } catch (error) {
    release();
    throw error;
  }
  return { ports, release };
}
