import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_CLOSE_CODES } from '../api.js';
import { waitFor } from '../testing/waitFor.js';
import { SCROLLBACK_BYTES, SerialConsole, type ConsoleViewer } from './SerialConsole.js';
import { SerialLog } from './SerialLog.js';

/** A viewer that records what it is sent, like a WebSocket would. */
class RecordingViewer implements ConsoleViewer {
  received: Buffer[] = [];
  closed: { code: number; reason: string } | undefined;
  bufferedAmount = 0;
  send(data: Buffer): void {
    this.received.push(Buffer.from(data));
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  get text(): string {
    return Buffer.concat(this.received).toString();
  }
}

/**
 * The other end of the console: a UNIX socket server standing in for QEMU's socket chardev
 * (one client; what the guest prints goes out, what is typed comes in).
 */
async function chardev(socketPath: string) {
  const typed: Buffer[] = [];
  let peer: net.Socket | undefined;
  const server = net.createServer((socket) => {
    peer = socket;
    socket.on('data', (d) => typed.push(d));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    print: (text: string) => peer?.write(text),
    typed: () => Buffer.concat(typed).toString(),
    connected: () => peer !== undefined,
    hangUp: () => peer?.destroy(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SerialConsole', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-console-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives every viewer the scrollback, then live output, and sends their typing to the guest', async () => {
    const socketPath = path.join(dir, 'console.sock');
    const guest = await chardev(socketPath);
    const console = new SerialConsole(new SerialLog(path.join(dir, 'serial.log')), Buffer.from('from an earlier run\n'));
    await console.connect(socketPath);
    await waitFor('the console to connect', () => (guest.connected() ? true : undefined));

    const early = new RecordingViewer();
    console.attach(early);
    guest.print('READY\n');
    await waitFor('live output', () => (early.text.includes('READY') ? true : undefined));

    const late = new RecordingViewer();
    console.attach(late);
    expect(late.received).toHaveLength(1);
    expect(late.text).toBe('from an earlier run\nREADY\n');
    guest.print('more\n');
    await waitFor('output to both', () => (late.text.endsWith('more\n') && early.text.endsWith('more\n') ? true : undefined));
    expect(early.text).toBe('from an earlier run\nREADY\nmore\n');

    console.write(Buffer.from('echo hi\n'));
    await waitFor('the typing to reach the guest', () => (guest.typed() === 'echo hi\n' ? true : undefined));

    guest.hangUp();
    await waitFor('the viewers to be told', () => (early.closed && late.closed ? true : undefined));
    expect(early.closed?.code).toBe(CONSOLE_CLOSE_CODES.notRunning);
    expect(await readFile(path.join(dir, 'serial.log'), 'utf8')).toBe('READY\nmore\n');
    await guest.close();
  });

  it('keeps only the last 64 KiB as scrollback, and drops a viewer that does not read', async () => {
    const socketPath = path.join(dir, 'console.sock');
    const guest = await chardev(socketPath);
    const console = new SerialConsole(new SerialLog(path.join(dir, 'serial.log')));
    await console.connect(socketPath);
    await waitFor('the console to connect', () => (guest.connected() ? true : undefined));
    const stuck = new RecordingViewer();
    console.attach(stuck);
    // No scrollback yet: the replay frame is empty, so live output is never taken for a replay.
    expect(stuck.received).toEqual([Buffer.alloc(0)]);
    stuck.bufferedAmount = 64 * 1024 * 1024;
    const line = 'x'.repeat(1023) + '\n';
    for (let i = 0; i < 100; i++) guest.print(line);
    guest.print('END\n');
    await waitFor('all output', () => (console.scrollback().toString().endsWith('END\n') ? true : undefined));
    expect(console.scrollback().length).toBe(SCROLLBACK_BYTES);
    expect(stuck.closed?.code).toBe(CONSOLE_CLOSE_CODES.tooSlow);
    console.close();
    await guest.close();
  });

  it('tells a viewer that comes after the guest stopped, after the scrollback', async () => {
    const socketPath = path.join(dir, 'console.sock');
    const guest = await chardev(socketPath);
    const console = new SerialConsole(new SerialLog(path.join(dir, 'serial.log')), Buffer.from('bye\n'));
    await console.connect(socketPath);
    console.close();
    const viewer = new RecordingViewer();
    console.attach(viewer);
    expect(viewer.text).toBe('bye\n');
    expect(viewer.closed?.code).toBe(CONSOLE_CLOSE_CODES.notRunning);
    await guest.close();
  });
});
