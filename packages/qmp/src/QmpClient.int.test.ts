// The client against the real QEMU: each test starts its own qemu-system-x86_64 (-S, TCG,
// no devices) and kills it afterwards.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cont,
  humanMonitorCommand,
  qomGet,
  queryBalloon,
  queryBlockstats,
  queryCpuDefinitions,
  queryCpusFast,
  queryKvm,
  queryMachines,
  queryStatus,
  queryVersion,
  quit,
  stop,
  systemReset,
} from './commands.js';
import type { QmpCloseInfo } from './QmpClient.js';
import { QmpClient } from './QmpClient.js';
import { QmpError } from './QmpError.js';
import type { LaunchedQemu } from './testing/launchQemu.js';
import { launchQemu, QEMU_BINARY } from './testing/launchQemu.js';

let qemu: LaunchedQemu;
let qmp: QmpClient;

/** Connects as a guest manager would: retrying until QEMU has created the socket, giving up if QEMU exits. */
async function connect(target: LaunchedQemu, options: { timeoutMs?: number } = {}): Promise<QmpClient> {
  const exited = new AbortController();
  void target.exited.then(() => exited.abort(new Error(`QEMU exited: ${target.stderr().trim()}`)));
  return QmpClient.connect(target.qmpPath, { retry: true, timeoutMs: options.timeoutMs ?? 20_000, signal: exited.signal });
}

async function rejection(promise: Promise<unknown>): Promise<QmpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QmpError);
  return error as QmpError;
}

describe('QmpClient against qemu-system-x86_64', () => {
  beforeEach(async () => {
    qemu = await launchQemu();
    qmp = await connect(qemu);
  });

  afterEach(async () => {
    await qmp.close();
    await qemu.kill();
  });

  it('reads the greeting of the installed QEMU and starts in prelaunch', async () => {
    const installed = /version (\d+)\.(\d+)\.(\d+)/.exec(execFileSync(QEMU_BINARY, ['--version'], { encoding: 'utf8' }));
    expect(qmp.greeting?.version.qemu).toEqual({ major: Number(installed?.[1]), minor: Number(installed?.[2]), micro: Number(installed?.[3]) });
    expect(qmp.greeting?.capabilities).toContain('oob');
    expect(await queryVersion(qmp)).toEqual(qmp.greeting?.version);
    expect(await queryStatus(qmp)).toMatchObject({ status: 'prelaunch', running: false });
  });

  it('cont resumes the guest (RESUME), stop pauses it (STOP)', async () => {
    const resumed = qmp.waitForEvent('RESUME');
    await cont(qmp);
    expect((await resumed).timestamp.seconds).toBeGreaterThan(0);
    expect(await queryStatus(qmp)).toMatchObject({ status: 'running', running: true });

    const stopped = qmp.waitForEvent('STOP');
    await stop(qmp);
    await stopped;
    expect(await queryStatus(qmp)).toMatchObject({ status: 'paused', running: false });
  });

  it('system_reset sends RESET from the host', async () => {
    await cont(qmp);
    const reset = qmp.waitForEvent('RESET');
    await systemReset(qmp);
    expect((await reset).data).toEqual({ guest: false, reason: 'host-qmp-system-reset' });
  });

  it('quit sends SHUTDOWN, then the disconnect closes the client once and QEMU exits', async () => {
    const closes: QmpCloseInfo[] = [];
    qmp.on('close', (info) => closes.push(info));
    const shutdown = qmp.waitForEvent('SHUTDOWN');
    await quit(qmp);
    expect((await shutdown).data).toEqual({ guest: false, reason: 'host-qmp-quit' });
    const closed = await qmp.closed;
    expect(closed.byClient).toBe(false);
    expect(await qemu.exited).toEqual({ code: 0, signal: null });
    expect(closes).toHaveLength(1);
    expect((await rejection(queryStatus(qmp))).code).toBe('state');
  });

  it('reports an unknown command with class CommandNotFound', async () => {
    const error = await rejection(qmp.execute('query-nonsense', { really: true }));
    expect(error).toMatchObject({
      code: 'command-failed',
      command: 'query-nonsense',
      arguments: { really: true },
      class: 'CommandNotFound',
      desc: 'The command query-nonsense has not been found',
    });
  });

  it('reports bad arguments with class GenericError, and a missing device with its own class', async () => {
    expect(await rejection(qmp.execute('qom-get', { path: '/machine' }))).toMatchObject({
      code: 'command-failed',
      class: 'GenericError',
      desc: "Parameter 'property' is missing",
    });
    expect(await rejection(queryBalloon(qmp))).toMatchObject({ class: 'DeviceNotActive', command: 'query-balloon' });
  });

  it('routes many concurrent commands to their own replies', async () => {
    const calls = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? queryStatus(qmp) : i % 3 === 1 ? queryKvm(qmp) : qomGet<string>(qmp, '/machine', 'type'),
    );
    const results = await Promise.all(calls);
    results.forEach((result, i) => {
      if (i % 3 === 0) expect(result).toMatchObject({ status: 'prelaunch' });
      else if (i % 3 === 1) expect(result).toEqual({ enabled: false, present: expect.any(Boolean) });
      else expect(result).toBe('pc-i440fx-7.2-machine');
    });
  });

  it('answers the queries virtdeck uses for host capabilities and stats', async () => {
    const machines = await queryMachines(qmp);
    expect(machines.find((machine) => machine.alias === 'pc')).toMatchObject({ 'is-default': true, name: expect.stringMatching(/^pc-i440fx-/) });
    expect(machines.some((machine) => machine.alias === 'q35')).toBe(true);
    const models = await queryCpuDefinitions(qmp);
    expect(models.find((model) => model.name === 'qemu64')).toMatchObject({ typename: 'qemu64-x86_64-cpu', 'unavailable-features': [] });
    const cpus = await queryCpusFast(qmp);
    expect(cpus).toEqual([expect.objectContaining({ 'cpu-index': 0, target: 'x86_64', 'thread-id': expect.any(Number) })]);
    expect(await queryBlockstats(qmp)).toEqual([]);
    expect(await humanMonitorCommand(qmp, 'info version')).toContain(`${qmp.greeting?.version.qemu.major}.${qmp.greeting?.version.qemu.minor}`);
  });

  it('gives a second client no greeting while the first is connected', async () => {
    const second = new QmpClient();
    const error = await rejection(second.connect(qemu.qmpPath, { timeoutMs: 300 }));
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain('is another client connected');
    expect(await queryStatus(qmp)).toMatchObject({ status: 'prelaunch' });
  });

  it('rejects a pending command when QEMU dies before replying', async () => {
    const closes: QmpCloseInfo[] = [];
    qmp.on('close', (info) => closes.push(info));
    // A stopped process cannot answer: the command is surely pending when QEMU is killed.
    qemu.process.kill('SIGSTOP');
    const pending = rejection(queryStatus(qmp, { timeoutMs: 30_000 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    qemu.process.kill('SIGKILL');
    const error = await pending;
    expect(error).toMatchObject({ code: 'disconnected', command: 'query-status' });
    await qmp.closed;
    expect(closes).toHaveLength(1);
    expect(closes[0]?.byClient).toBe(false);
  });
});

describe('connecting to a QEMU that is still starting', () => {
  it('retries until the socket exists', async () => {
    const starting = await launchQemu();
    try {
      const client = await connect(starting);
      expect(await queryStatus(client)).toMatchObject({ status: 'prelaunch' });
      await client.close();
    } finally {
      await starting.kill();
    }
  });

  it('stops retrying as soon as QEMU exits, with its stderr in the error', async () => {
    const failing = await launchQemu(['-machine', 'no-such-machine']);
    try {
      const started = performance.now();
      const error = await rejection(connect(failing, { timeoutMs: 20_000 }));
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(error.code).toBe('connect-failed');
      expect(error.message).toContain('QEMU exited');
      expect(error.message).toContain('unsupported machine type');
    } finally {
      await failing.kill();
    }
  });
});
