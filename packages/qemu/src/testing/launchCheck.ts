/**
 * Test support: starts QEMU with an argv (which must hold -S and a QMP monitor socket),
 * asks over QMP for its run state, and always ends the process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

export interface LaunchOutcome {
  /** QMP's run state ("prelaunch" for a guest stopped by -S), or undefined when QEMU failed. */
  status?: string;
  /** QEMU's own error output (why it refused the command line). */
  stderr: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads newline-delimited JSON from a socket, one message at a time; fails once it closes. */
function messageReader(socket: net.Socket): () => Promise<Record<string, unknown>> {
  let buffer = '';
  let closed: Error | undefined;
  const queue: Array<Record<string, unknown>> = [];
  const waiting: Array<{ resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  socket.setEncoding('utf8');
  const close = (): void => {
    closed ??= new Error('QEMU closed the QMP connection');
    for (const w of waiting.splice(0)) w.reject(closed);
  };
  socket.on('close', close);
  socket.on('error', close);
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      const next = waiting.shift();
      if (next) next.resolve(message);
      else queue.push(message);
    }
  });
  return () => {
    const ready = queue.shift();
    if (ready) return Promise.resolve(ready);
    if (closed) return Promise.reject(closed);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

export async function launchAndQueryStatus(argv: readonly string[], qmpSocket: string, options: { cwd: string; timeoutMs: number }): Promise<LaunchOutcome> {
  const [binary, ...args] = argv;
  const child = spawn(binary ?? '', args, { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      stderr += error.message;
      exited = true;
      resolve();
    });
  });
  let socket: net.Socket | undefined;
  try {
    const deadline = Date.now() + options.timeoutMs;
    while (!existsSync(qmpSocket)) {
      if (exited) return { stderr: stderr.trim() };
      if (Date.now() > deadline) return { stderr: `no QMP socket within ${options.timeoutMs} ms. ${stderr}`.trim() };
      await sleep(20);
    }
    // The socket file appears at bind(), a moment before QEMU listens on it.
    let connected: net.Socket | undefined;
    while (!connected) {
      const attempt = net.createConnection(qmpSocket);
      socket = attempt;
      try {
        await new Promise<void>((resolve, reject) => {
          attempt.once('connect', resolve);
          attempt.once('error', reject);
        });
        connected = attempt;
      } catch (error) {
        attempt.destroy();
        if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || exited || Date.now() > deadline) throw error;
        await sleep(20);
      }
    }
    const read = messageReader(connected);
    const ask = async (command: string): Promise<Record<string, unknown>> => {
      connected.write(`${JSON.stringify({ execute: command })}\n`);
      for (;;) {
        const message = await read();
        if ('return' in message || 'error' in message) return message;
      }
    };
    await read(); // greeting
    await ask('qmp_capabilities');
    const reply = await ask('query-status');
    const status = (reply.return as { status?: string } | undefined)?.status;
    return status === undefined ? { stderr: stderr.trim() } : { status, stderr: stderr.trim() };
  } catch (error) {
    // When QEMU refused the command line it exits right after opening the monitor: its
    // message on stderr says why, so wait for it.
    await Promise.race([exit, sleep(2000)]);
    return { stderr: stderr.trim() || (error as Error).message };
  } finally {
    socket?.destroy();
    if (!exited) {
      child.kill('SIGKILL');
      await exit;
    }
  }
}
