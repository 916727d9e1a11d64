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
  systemPowerdown,
  systemReset,
} from './commands.js';
import type { QmpExecutor } from './commands.js';
import { QmpClient } from './QmpClient.js';
import { QmpError } from './QmpError.js';
import type { FakeQmpConnection } from './testing/fakeQmpServer.js';
import { FakeQmpServer } from './testing/fakeQmpServer.js';

let server: FakeQmpServer;
let client: QmpClient;
let conn: FakeQmpConnection;

beforeEach(async () => {
  server = await FakeQmpServer.start();
  client = new QmpClient();
  [conn] = await Promise.all([server.nextConnection(), client.connect(server.path)]);
});

afterEach(async () => {
  await client.close();
  await server.close();
});

// Replies as QEMU 7.2 sends them.
const cases: [string, (qmp: QmpExecutor) => Promise<unknown>, { execute: string; arguments?: object }, unknown, unknown][] = [
  [
    'queryStatus',
    (qmp) => queryStatus(qmp),
    { execute: 'query-status' },
    { status: 'prelaunch', singlestep: false, running: false },
    { status: 'prelaunch', singlestep: false, running: false },
  ],
  ['cont', (qmp) => cont(qmp), { execute: 'cont' }, {}, undefined],
  ['stop', (qmp) => stop(qmp), { execute: 'stop' }, {}, undefined],
  ['systemPowerdown', (qmp) => systemPowerdown(qmp), { execute: 'system_powerdown' }, {}, undefined],
  ['systemReset', (qmp) => systemReset(qmp), { execute: 'system_reset' }, {}, undefined],
  ['quit', (qmp) => quit(qmp), { execute: 'quit' }, {}, undefined],
  ['queryKvm', (qmp) => queryKvm(qmp), { execute: 'query-kvm' }, { enabled: false, present: true }, { enabled: false, present: true }],
  [
    'queryVersion',
    (qmp) => queryVersion(qmp),
    { execute: 'query-version' },
    { qemu: { micro: 22, minor: 2, major: 7 }, package: 'Debian' },
    { qemu: { micro: 22, minor: 2, major: 7 }, package: 'Debian' },
  ],
  ['queryMachines', (qmp) => queryMachines(qmp), { execute: 'query-machines' }, [{ name: 'pc-q35-7.2', alias: 'q35' }], [{ name: 'pc-q35-7.2', alias: 'q35' }]],
  ['queryCpuDefinitions', (qmp) => queryCpuDefinitions(qmp), { execute: 'query-cpu-definitions' }, [{ name: 'max' }], [{ name: 'max' }]],
  ['queryCpusFast', (qmp) => queryCpusFast(qmp), { execute: 'query-cpus-fast' }, [{ 'cpu-index': 0, 'thread-id': 7118 }], [{ 'cpu-index': 0, 'thread-id': 7118 }]],
  ['queryBlockstats', (qmp) => queryBlockstats(qmp), { execute: 'query-blockstats' }, [], []],
  [
    'queryBlockstats with nodes',
    (qmp) => queryBlockstats(qmp, { queryNodes: true }),
    { execute: 'query-blockstats', arguments: { 'query-nodes': true } },
    [],
    [],
  ],
  ['queryBalloon', (qmp) => queryBalloon(qmp), { execute: 'query-balloon' }, { actual: 67108864 }, { actual: 67108864 }],
  [
    'qomGet',
    (qmp) => qomGet<string>(qmp, '/machine', 'type'),
    { execute: 'qom-get', arguments: { path: '/machine', property: 'type' } },
    'pc-i440fx-7.2-machine',
    'pc-i440fx-7.2-machine',
  ],
  [
    'humanMonitorCommand',
    (qmp) => humanMonitorCommand(qmp, 'info version'),
    { execute: 'human-monitor-command', arguments: { 'command-line': 'info version' } },
    '7.2.22\r\n',
    '7.2.22\r\n',
  ],
  [
    'humanMonitorCommand on a CPU',
    (qmp) => humanMonitorCommand(qmp, 'info registers', { cpuIndex: 1 }),
    { execute: 'human-monitor-command', arguments: { 'command-line': 'info registers', 'cpu-index': 1 } },
    'RAX=0',
    'RAX=0',
  ],
];

describe('typed command helpers', () => {
  it.each(cases)('%s sends its command and returns the reply', async (_name, call, sent, reply, expected) => {
    const result = call(client);
    const command = await conn.nextCommand();
    expect({ execute: command.execute, arguments: command.arguments }).toEqual({ arguments: undefined, ...sent });
    conn.reply(command, reply);
    expect(await result).toEqual(expected);
  });

  it('pass execute options through', async () => {
    const error = await queryBlockstats(client, { queryNodes: false, timeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout', command: 'query-blockstats', arguments: { 'query-nodes': false } });
  });

  it('quit counts a connection closed before the reply as done', async () => {
    const done = quit(client);
    expect((await conn.nextCommand()).execute).toBe('quit');
    conn.destroy();
    await expect(done).resolves.toBeUndefined();
    expect(client.state).toBe('closed');
  });

  it('quit still reports other failures', async () => {
    const done = quit(client);
    conn.fail(await conn.nextCommand(), 'GenericError', 'quit refused');
    await expect(done).rejects.toBeInstanceOf(QmpError);
    await expect(done).rejects.toMatchObject({ code: 'command-failed', class: 'GenericError' });
  });
});
