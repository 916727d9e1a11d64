import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { QmpClient } from '@virtdeck/qmp';
import { validateDomain } from '@virtdeck/schema';
import type { GraphicsEndpoint } from '../drivers/Driver.js';
import { VirtdeckError } from '../errors.js';
import { screenOf } from '../guests/domainFacts.js';
import type { RunDir } from '../guests/RunDir.js';
import { keyEvents } from './usKeymap.js';

/**
 * The PS/2 keyboard holds 16 bytes of scancodes: keys sent faster than the guest reads them
 * are lost. One character's keys (at most 4 events) go at a time, this far apart, as QEMU's
 * own send-key paces them.
 */
const KEY_INTERVAL_MS = 12;

/**
 * The graphical console of a guest virtdeck runs itself: the VNC display on the run folder's
 * socket (`-vnc unix:…,id=browser`), screendumps and key events over its QMP monitor.
 * `xml` is the definition the running QEMU was started from.
 */
export function embeddedGraphics(name: string, run: RunDir, qmp: QmpClient, xml: string): GraphicsEndpoint {
  const { domain } = validateDomain(xml);
  const screen = domain && screenOf(domain);
  if (!screen) throw new VirtdeckError('conflict', `'${name}' has no graphical display: add <graphics type='vnc'/> to its definition and restart it`);
  const password = screen.passwd;
  const endpoint: GraphicsEndpoint = {
    protocol: 'vnc',
    // QEMU checks the password itself: the display reads the screen's secret object.
    open: () => connect(run.displaySocket),
    screendump: async () => {
      // A file per request: two viewers asking at once must not read each other's half-written dump.
      const file = path.join(run.qemuDir, `screendump-${randomBytes(6).toString('hex')}.ppm`);
      try {
        await qmp.execute('screendump', { filename: file });
        return await fs.readFile(file);
      } finally {
        await fs.rm(file, { force: true });
      }
    },
    type: async (strokes) => {
      for (const [index, stroke] of strokes.entries()) {
        if (index > 0) await delay(KEY_INTERVAL_MS);
        await qmp.execute('input-send-event', { events: keyEvents(stroke) });
      }
    },
  };
  if (password !== undefined) endpoint.password = password;
  return endpoint;
}

/**
 * QEMU listens on its VNC socket with a backlog of one: viewers connecting at the same moment
 * (several tabs, a reconnect storm) get EAGAIN until QEMU has accepted the one before.
 */
const BUSY_RETRY_MS = 10;
const BUSY_GIVE_UP_MS = 5_000;

async function connect(socketPath: string): Promise<Duplex> {
  const giveUpAt = Date.now() + BUSY_GIVE_UP_MS;
  for (;;) {
    try {
      return await connectOnce(socketPath);
    } catch (error) {
      const busy = (error as NodeJS.ErrnoException).code === 'EAGAIN';
      if (!busy || Date.now() >= giveUpAt) throw new VirtdeckError('conflict', `The guest's display is not reachable (${(error as Error).message})`);
      await delay(BUSY_RETRY_MS);
    }
  }
}

function connectOnce(socketPath: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
