import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QmpCloseInfo } from './QmpClient.js';
import { QmpClient } from './QmpClient.js';
import type { QmpEvent } from './protocol.js';
import { QmpError } from './QmpError.js';
import type { FakeQmpConnection, FakeQmpServerOptions } from './testing/fakeQmpServer.js';
import { FakeQmpServer, QEMU_7_2_GREETING } from './testing/fakeQmpServer.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).reverse().map((cleanup) => cleanup()));
});

async function startServer(options: FakeQmpServerOptions = {}): Promise<FakeQmpServer> {
  const server = await FakeQmpServer.start(options);
  cleanups.push(() => server.close());
  return server;
}

function track(client: QmpClient): QmpClient {
  cleanups.push(() => client.close());
  return client;
}

/** A running client and the server side of its connection. */
async function connected(options: ConstructorParameters<typeof QmpClient>[0] = {}): Promise<{ client: QmpClient; conn: FakeQmpConnection }> {
  const server = await startServer();
  const client = track(new QmpClient(options));
  const [conn] = await Promise.all([server.nextConnection(), client.connect(server.path)]);
  return { client, conn };
}

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<QmpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(QmpError);
    return error as QmpError;
  }
  throw new Error('expected a rejection');
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('handshake', () => {
  it('reads the greeting, negotiates capabilities, then runs commands', async () => {
    const server = await startServer();
    const client = track(new QmpClient());
    expect(client.state).toBe('idle');
    const connecting = client.connect(server.path);
    expect(client.state).toBe('connecting');
    const conn = await server.nextConnection();
    const greeting = await connecting;

    expect(greeting).toEqual(QEMU_7_2_GREETING.QMP);
    expect(client.greeting?.version.qemu).toEqual({ major: 7, minor: 2, micro: 22 });
    expect(client.greeting?.capabilities).toEqual(['oob']);
    expect(client.state).toBe('running');
    expect(conn.received).toEqual([{ execute: 'qmp_capabilities', id: 1 }]);

    const status = client.execute('query-status');
    const command = await conn.nextCommand();
    expect(command).toEqual({ execute: 'query-status', id: 2 });
    conn.reply(command, { status: 'prelaunch', running: false });
    expect(await status).toEqual({ status: 'prelaunch', running: false });
  });

  it('refuses commands before the client is connected and during the handshake', async () => {
    const server = await startServer({ greeting: null });
    const client = track(new QmpClient());
    const early = await rejection(client.execute('query-status'));
    expect(early).toMatchObject({ code: 'state', command: 'query-status' });
    expect(early.message).toContain('not connected');

    const connecting = client.connect(server.path);
    const conn = await server.nextConnection();
    await delay(20);
    expect(client.state).toBe('handshake');
    const during = await rejection(client.execute('cont', { x: 1 }));
    expect(during).toMatchObject({ code: 'state', command: 'cont', arguments: { x: 1 } });
    expect(during.message).toContain('still connecting');

    conn.send(QEMU_7_2_GREETING);
    await connecting;
    expect(client.state).toBe('running');
  });

  it('lets an event listener run commands on an event that arrives with the capabilities reply', async () => {
    const server = await startServer({ negotiate: false });
    const client = track(new QmpClient());
    const statuses: unknown[] = [];
    const queries: Promise<unknown>[] = [];
    client.on('event', () => {
      statuses.push(client.state);
      queries.push(client.execute('query-status'));
    });
    const connecting = client.connect(server.path);
    const conn = await server.nextConnection();
    const negotiation = await conn.nextCommand();
    conn.write(`${JSON.stringify({ return: {}, id: negotiation.id })}\r\n${conn.eventLine('RESUME')}`);
    await connecting;
    conn.reply(await conn.nextCommand(), { status: 'running', running: true });
    expect(statuses).toEqual(['running']);
    // The command sent from the listener gets its reply (not a rejection at teardown).
    expect(await Promise.all(queries)).toEqual([{ status: 'running', running: true }]);
  });

  it('takes a greeting split across chunks', async () => {
    const server = await startServer({ greeting: null });
    const client = track(new QmpClient());
    const connecting = client.connect(server.path);
    const conn = await server.nextConnection();
    const line = `${JSON.stringify(QEMU_7_2_GREETING)}\r\n`;
    conn.write(line.slice(0, 30));
    await delay(10);
    conn.write(line.slice(30));
    expect((await connecting).version.package).toBe('Debian 1:7.2+dfsg-7+deb12u18+b3');
  });

  it.each([
    ['a reply', '{"return": {}}\r\n', 'Expected the QMP greeting'],
    ['garbage', 'SSH-2.0-OpenSSH_9.2\r\n', 'not JSON'],
    ['a malformed greeting', '{"QMP": {"version": 7}}\r\n', 'greeting without a version'],
  ])('fails to connect when the peer sends %s first', async (_what, first, message) => {
    const server = await startServer({ greeting: first });
    const client = track(new QmpClient());
    const closes: QmpCloseInfo[] = [];
    client.on('close', (info) => closes.push(info));
    const error = await rejection(client.connect(server.path));
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain(message);
    expect(client.state).toBe('closed');
    expect(closes).toHaveLength(1);
  });

  it('fails to connect when qmp_capabilities is refused, keeping QEMU’s error', async () => {
    const server = await startServer({ negotiate: false });
    const client = track(new QmpClient());
    const connecting = client.connect(server.path);
    const conn = await server.nextConnection();
    conn.fail(await conn.nextCommand(), 'CommandNotFound', 'Capabilities negotiation is already complete');
    const error = await rejection(connecting);
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain('Capabilities negotiation is already complete');
    expect(error.cause).toMatchObject({ code: 'command-failed', class: 'CommandNotFound', command: 'qmp_capabilities' });
  });

  it('fails at once when the peer hangs up right after its greeting', async () => {
    const server = await startServer({ greeting: null });
    const client = track(new QmpClient());
    const connecting = client.connect(server.path, { timeoutMs: 5000 });
    const conn = await server.nextConnection();
    const started = performance.now();
    conn.socket.end(`${JSON.stringify(QEMU_7_2_GREETING)}\r\n`);
    const error = await rejection(connecting);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain('QEMU closed the QMP connection');
  });

  it('gives up when no greeting comes, hinting at a second client', async () => {
    const server = await startServer({ greeting: null });
    const client = track(new QmpClient());
    const error = await rejection(client.connect(server.path, { timeoutMs: 100 }));
    expect(error.code).toBe('connect-failed');
    expect(error.message).toMatch(/No QMP greeting within 100 ms \(is another client connected/);
    expect(client.state).toBe('closed');
  });

  it('fails at once when the socket does not exist and retrying is off', async () => {
    const dir = await mkdtemp('/tmp/vqt-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const client = track(new QmpClient());
    const started = performance.now();
    const error = await rejection(client.connect(join(dir, 'missing.sock'), { timeoutMs: 5000 }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain('ENOENT');
    expect(error.message).toContain(join(dir, 'missing.sock'));
  });

  it('retries until the socket appears, as when QEMU is still starting', async () => {
    const dir = await mkdtemp('/tmp/vqt-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'qmp.sock');
    const client = track(new QmpClient());
    const connecting = client.connect(path, { retry: true, retryIntervalMs: 10, timeoutMs: 5000 });
    await delay(150);
    expect(client.state).toBe('connecting');
    await startServer({ path });
    await connecting;
    expect(client.state).toBe('running');
  });

  it('stops retrying at the deadline and names the last error', async () => {
    const dir = await mkdtemp('/tmp/vqt-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const client = track(new QmpClient());
    const started = performance.now();
    const error = await rejection(client.connect(join(dir, 'never.sock'), { retry: true, timeoutMs: 200 }));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
    expect(error.code).toBe('connect-failed');
    expect(error.message).toMatch(/within 200 ms \(last error: connect ENOENT/);
  });

  it('stops retrying when the signal aborts, e.g. because QEMU exited', async () => {
    const dir = await mkdtemp('/tmp/vqt-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const client = track(new QmpClient());
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('QEMU exited with status 1')), 50);
    const started = performance.now();
    const error = await rejection(client.connect(join(dir, 'never.sock'), { retry: true, timeoutMs: 10_000, signal: abort.signal }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain('aborted: QEMU exited with status 1');
  });

  it('stops connecting when the client is closed meanwhile', async () => {
    const server = await startServer({ greeting: null });
    const client = track(new QmpClient());
    const connecting = client.connect(server.path, { timeoutMs: 10_000 });
    await server.nextConnection();
    await client.close();
    const error = await rejection(connecting);
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain('the client closed the connection');
  });

  it('refuses a socket path longer than UNIX allows, instead of letting it be truncated', async () => {
    const client = track(new QmpClient());
    const error = await rejection(client.connect(`/tmp/${'d'.repeat(100)}/qmp.sock`));
    expect(error.code).toBe('connect-failed');
    expect(error.message).toContain('limited to 107');
  });

  it('attaches to an already-connected socket', async () => {
    const server = await startServer();
    const socket = net.createConnection(server.path);
    await new Promise((resolve) => socket.once('connect', resolve));
    const conn = await server.nextConnection();
    const client = track(await QmpClient.attach(socket));
    expect(client.state).toBe('running');
    const kvm = client.execute('query-kvm');
    conn.reply(await conn.nextCommand(), { enabled: false, present: true });
    expect(await kvm).toEqual({ enabled: false, present: true });
  });

  it('serves one connection: a second connect is a state error', async () => {
    const { client } = await connected();
    const error = await rejection(client.connect('/tmp/other.sock'));
    expect(error.code).toBe('state');
    expect(client.state).toBe('running');
  });
});

describe('commands', () => {
  it('routes concurrent replies by id when answered out of order', async () => {
    const { client, conn } = await connected();
    const calls = ['query-status', 'query-kvm', 'query-balloon'].map((command) => client.execute(command));
    const received = [await conn.nextCommand(), await conn.nextCommand(), await conn.nextCommand()];
    expect(new Set(received.map((command) => command.id)).size).toBe(3);
    for (const command of [...received].reverse()) conn.reply(command, `answer to ${command.execute}`);
    expect(await Promise.all(calls)).toEqual(['answer to query-status', 'answer to query-kvm', 'answer to query-balloon']);
  });

  it('sends the arguments given', async () => {
    const { client, conn } = await connected();
    const call = client.execute('qom-get', { path: '/machine', property: 'type' });
    const command = await conn.nextCommand();
    expect(command.arguments).toEqual({ path: '/machine', property: 'type' });
    conn.reply(command, 'pc-i440fx-7.2-machine');
    expect(await call).toBe('pc-i440fx-7.2-machine');
  });

  it('rejects with QEMU’s class and desc, and what was sent', async () => {
    const { client, conn } = await connected();
    const call = client.execute('device_del', { id: 'nic0' });
    conn.fail(await conn.nextCommand(), 'DeviceNotFound', "Device 'nic0' not found");
    const error = await rejection(call);
    expect(error).toMatchObject({
      code: 'command-failed',
      command: 'device_del',
      arguments: { id: 'nic0' },
      class: 'DeviceNotFound',
      desc: "Device 'nic0' not found",
    });
    expect(error.message).toBe(`QMP command "device_del" failed: DeviceNotFound: Device 'nic0' not found`);
  });

  it('rejects a call that gets no reply in time, ignores its late reply and goes on', async () => {
    const { client, conn } = await connected();
    const problems: QmpError[] = [];
    client.on('protocol-error', (error) => problems.push(error));
    const started = performance.now();
    const slow = client.execute('query-blockstats', undefined, { timeoutMs: 80 });
    const command = await conn.nextCommand();
    const error = await rejection(slow);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(error).toMatchObject({ code: 'timeout', command: 'query-blockstats' });
    expect(error.message).toContain('within 80 ms');

    conn.reply(command, []);
    const next = client.execute('query-kvm');
    conn.reply(await conn.nextCommand(), { enabled: false, present: true });
    expect(await next).toEqual({ enabled: false, present: true });
    expect(problems).toEqual([]);
  });

  it('uses the client’s default command timeout', async () => {
    const { client, conn } = await connected({ commandTimeoutMs: 60 });
    const call = client.execute('query-status');
    await conn.nextCommand();
    expect((await rejection(call)).code).toBe('timeout');
  });

  it('rejects arguments that are not JSON and bad timeouts without sending anything', async () => {
    const { client, conn } = await connected();
    expect(await rejection(client.execute('qom-set', { value: 1n }))).toMatchObject({ code: 'invalid-arguments', command: 'qom-set' });
    expect(await rejection(client.execute('stop', undefined, { timeoutMs: -1 }))).toMatchObject({ code: 'invalid-arguments', command: 'stop' });
    const call = client.execute('cont');
    const command = await conn.nextCommand();
    expect(command.execute).toBe('cont');
    conn.reply(command);
    await call;
  });
});

describe('reading the stream', () => {
  it('delivers events interleaved with replies, each event before the reply that follows it', async () => {
    const { client, conn } = await connected();
    const seen: string[] = [];
    client.on('event', (event) => seen.push(event.event));

    const stop = client.execute('stop').then(() => seen.push('stop returned'));
    const cont = client.execute('cont').then(() => seen.push('cont returned'));
    const [stopCommand, contCommand] = [await conn.nextCommand(), await conn.nextCommand()];
    conn.write(
      conn.eventLine('STOP') +
        JSON.stringify({ return: {}, id: stopCommand.id }) +
        '\r\n' +
        conn.eventLine('RESUME') +
        JSON.stringify({ return: {}, id: contCommand.id }) +
        '\r\n',
    );
    await Promise.all([stop, cont]);
    expect(seen).toEqual(['STOP', 'RESUME', 'stop returned', 'cont returned']);
  });

  it('reassembles messages split across chunks at any byte, UTF-8 included', async () => {
    const { client, conn } = await connected();
    const events: QmpEvent[] = [];
    client.on('event', (event) => events.push(event));
    const call = client.execute('human-monitor-command', { 'command-line': 'info name' });
    const command = await conn.nextCommand();
    const bytes = Buffer.from(`${conn.eventLine('POWERDOWN')}${JSON.stringify({ return: 'Grüße 🚀\r\n', id: command.id })}\r\n`);
    const cuts = [5, 60, bytes.indexOf('ü') + 1, bytes.indexOf('🚀') + 2, bytes.length - 1];
    let start = 0;
    for (const cut of cuts) {
      conn.write(bytes.subarray(start, cut));
      start = cut;
      await delay(5);
    }
    conn.write(bytes.subarray(start));
    expect(await call).toBe('Grüße 🚀\r\n');
    expect(events.map((event) => event.event)).toEqual(['POWERDOWN']);
  });

  it('reports garbage and stray replies without losing the connection', async () => {
    const { client, conn } = await connected();
    const problems: QmpError[] = [];
    client.on('protocol-error', (error) => problems.push(error));
    const call = client.execute('query-status');
    const command = await conn.nextCommand();
    conn.write('garbage\r\n[1, 2]\r\n{"return": {}, "id": 999}\r\n');
    conn.write('{"error": {"class": "GenericError", "desc": "JSON parse error, invalid keyword"}}\r\n');
    conn.reply(command, { status: 'running', running: true });
    expect(await call).toEqual({ status: 'running', running: true });
    expect(problems.map((problem) => problem.code)).toEqual(['protocol', 'protocol', 'protocol', 'protocol']);
    expect(problems[0]?.message).toContain('not JSON: "garbage"');
    expect(problems[2]?.message).toContain('id 999, which matches no pending command');
    expect(problems[3]).toMatchObject({ class: 'GenericError', desc: 'JSON parse error, invalid keyword' });
    expect(problems[3]?.message).toContain('without an id');
    expect(client.state).toBe('running');
  });

  it('turns a problem nobody listens for into a process warning instead of dropping it', async () => {
    const { client, conn } = await connected();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    cleanups.push(async () => process.off('warning', onWarning));
    conn.write('garbage\r\n');
    const call = client.execute('query-name');
    conn.reply(await conn.nextCommand(), {});
    await call;
    await delay(10);
    expect(warnings.map((warning) => [warning.name, warning.message])).toEqual([
      ['QmpProtocolWarning', 'QEMU sent a line that is not JSON: "garbage"'],
    ]);
  });

  it('fails the call whose reply is over the line limit at once, then reads on', async () => {
    const { client, conn } = await connected({ maxLineBytes: 1024 });
    const problems: QmpError[] = [];
    client.on('protocol-error', (error) => problems.push(error));
    const big = client.execute('query-qmp-schema', undefined, { timeoutMs: 5000 });
    const command = await conn.nextCommand();
    const started = performance.now();
    conn.reply(command, 'x'.repeat(5000));
    const error = await rejection(big);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'protocol', command: 'query-qmp-schema' });
    expect(error.message).toContain('over the limit of 1024 bytes');

    conn.write(`${JSON.stringify({ return: 'y'.repeat(3000) })}\r\n`);
    const next = client.execute('query-name');
    conn.reply(await conn.nextCommand(), { name: 'guest' });
    expect(await next).toEqual({ name: 'guest' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('over the limit');
  });
});

describe('events', () => {
  it('gives typed per-event subscriptions, which unsubscribe', async () => {
    const { client, conn } = await connected();
    const reasons: string[] = [];
    const unsubscribe = client.onEvent('SHUTDOWN', (event) => reasons.push(`${event.data.reason} guest=${event.data.guest}`));
    const resets: QmpEvent<'RESET'>[] = [];
    client.onEvent('RESET', (event) => resets.push(event));

    conn.event('SHUTDOWN', { guest: true, reason: 'guest-shutdown' });
    conn.event('RESET', { guest: false, reason: 'host-qmp-system-reset' });
    await client.waitForEvent('RESET');
    unsubscribe();
    conn.event('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' });
    await client.waitForEvent('SHUTDOWN');

    expect(reasons).toEqual(['guest-shutdown guest=true']);
    expect(resets).toEqual([
      { event: 'RESET', data: { guest: false, reason: 'host-qmp-system-reset' }, timestamp: { seconds: 1795756829, microseconds: 263809 } },
    ]);
  });

  it('keeps delivering when a listener throws or rejects, and reports it', async () => {
    const { client, conn } = await connected();
    const failures: unknown[] = [];
    const delivered: string[] = [];
    client.on('listener-error', (error) => failures.push(error));
    client.on('event', () => {
      throw new Error('listener bug');
    });
    client.on('event', async () => {
      throw new Error('async listener bug');
    });
    client.on('event', (event) => delivered.push(event.event));

    const call = client.execute('stop');
    const command = await conn.nextCommand();
    conn.event('STOP');
    conn.reply(command);
    await call;
    await delay(0);
    expect(delivered).toEqual(['STOP']);
    expect(failures.map((error) => (error as Error).message)).toEqual(['listener bug', 'async listener bug']);
  });

  it('waits for an event that passes a filter', async () => {
    const { client, conn } = await connected();
    const guestShutdown = client.waitForEvent('SHUTDOWN', { filter: (event) => event.data.guest });
    conn.event('SHUTDOWN', { guest: false, reason: 'host-signal' });
    conn.event('SHUTDOWN', { guest: true, reason: 'guest-shutdown' });
    expect((await guestShutdown).data).toEqual({ guest: true, reason: 'guest-shutdown' });
  });

  it('stops waiting for an event at its timeout or when the connection closes', async () => {
    const { client, conn } = await connected();
    expect(await rejection(client.waitForEvent('RESUME', { timeoutMs: 50 }))).toMatchObject({ code: 'timeout' });
    const waiting = client.waitForEvent('SHUTDOWN', { timeoutMs: 5000 });
    conn.destroy();
    const error = await rejection(waiting);
    expect(error.code).toBe('disconnected');
    expect(error.message).toContain('before event SHUTDOWN came');
    expect((await rejection(client.waitForEvent('SHUTDOWN'))).code).toBe('state');
  });
});

describe('disconnect', () => {
  it('rejects every pending call when the connection drops, and reports the close once', async () => {
    const { client, conn } = await connected();
    const closes: QmpCloseInfo[] = [];
    client.on('close', (info) => closes.push(info));
    const calls = ['query-status', 'query-cpus-fast', 'query-blockstats'].map((command) => rejection(client.execute(command)));
    for (let i = 0; i < calls.length; i += 1) await conn.nextCommand();
    conn.destroy();

    const errors = await Promise.all(calls);
    expect(errors.map((error) => [error.code, error.command])).toEqual([
      ['disconnected', 'query-status'],
      ['disconnected', 'query-cpus-fast'],
      ['disconnected', 'query-blockstats'],
    ]);
    expect(errors[0]?.message).toBe('QMP command "query-status" got no reply: QEMU closed the QMP connection');
    expect(client.state).toBe('closed');
    expect(await client.closed).toEqual({ byClient: false, reason: 'QEMU closed the QMP connection' });
    await delay(20);
    expect(closes).toHaveLength(1);
    expect((await rejection(client.execute('cont'))).code).toBe('state');
  });

  it('close() rejects pending calls, ends the connection and is idempotent', async () => {
    const { client, conn } = await connected();
    const closes: QmpCloseInfo[] = [];
    client.on('close', (info) => closes.push(info));
    const pending = rejection(client.execute('query-status'));
    await conn.nextCommand();
    await Promise.all([client.close(), client.close()]);
    await client.close();
    await conn.closed;
    expect(await pending).toMatchObject({ code: 'disconnected', command: 'query-status' });
    expect(closes).toEqual([{ byClient: true, reason: 'the client closed the connection' }]);
  });

  it('ignores whatever arrives in the same chunk after a listener closed the client', async () => {
    const { client, conn } = await connected();
    const seen: string[] = [];
    client.on('event', (event) => {
      seen.push(event.event);
      void client.close();
    });
    conn.write(conn.eventLine('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' }) + conn.eventLine('STOP'));
    await client.closed;
    await delay(20);
    expect(seen).toEqual(['SHUTDOWN']);
  });
});
