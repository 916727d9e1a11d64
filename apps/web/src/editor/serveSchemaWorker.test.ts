import { applyEdits } from '@virtdeck/schema';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostInfo } from '../api/types';
import hostJson from './fixtures/host.json';
import type { WorkerRole } from './protocol';
import type { Notification, WorkerEndpoint } from './SchemaWorkerClient';
import { SchemaWorkerClient, StaleRequestError } from './SchemaWorkerClient';
import { serveSchemaWorker, type WorkerScope } from './serveSchemaWorker';

const TEXT = `<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
</domain>
`;

/** The real client and the real worker loop, talking over a real message channel. */
function connect(role: WorkerRole = 'checks') {
  const channel = new MessageChannel();
  const notifications: Notification[] = [];
  const waiters: (() => void)[] = [];
  serveSchemaWorker(channel.port2 as unknown as WorkerScope, role);
  const client = new SchemaWorkerClient(channel.port1 as unknown as WorkerEndpoint, (n) => {
    notifications.push(n);
    for (const wake of waiters.splice(0)) wake();
  });
  channel.port1.start();
  channel.port2.start();
  const next = async (type: Notification['type'], version: number): Promise<Notification> => {
    for (;;) {
      const found = notifications.find((n) => n.type === type && n.version === version);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const close = () => {
    client.dispose();
    channel.port2.close();
  };
  return { client, notifications, next, close };
}

let open: ReturnType<typeof connect> | undefined;
afterEach(() => open?.close());

describe('schema worker protocol', () => {
  it('answers every text with its diagnostics, then the form', async () => {
    open = connect();
    const { client, next } = open;
    client.update(1, TEXT.replace('<vcpu>1</vcpu>', '<vcpu>1</vcpu'));
    const broken = await next('diagnostics', 1);
    expect(broken.type === 'diagnostics' && broken.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    client.update(2, TEXT);
    const fine = await next('diagnostics', 2);
    expect(fine.type === 'diagnostics' && fine.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const derived = await next('derived', 2);
    expect(derived.type === 'derived' && derived.form).toMatchObject({ name: 'demo', memoryMiB: 256, vcpus: 1, machine: 'q35' });
  });

  it('turns a form change into edits of the newest text', async () => {
    open = connect();
    const { client } = open;
    client.update(1, TEXT);
    const edits = await client.request(1, { kind: 'form-edit', change: { kind: 'vcpus', count: 4 } });
    expect(applyEdits(TEXT, edits)).toBe(TEXT.replace('<vcpu>1</vcpu>', '<vcpu>4</vcpu>'));
  });

  it('refuses a request made for a text that has changed since', async () => {
    open = connect();
    const { client } = open;
    client.update(1, TEXT);
    client.update(2, `${TEXT} `);
    await expect(client.request(1, { kind: 'format' })).rejects.toBeInstanceOf(StaleRequestError);
  });

  it('passes a failed request back as an error with its reason', async () => {
    open = connect();
    const { client } = open;
    client.update(1, TEXT);
    await expect(client.request(1, { kind: 'form-edit', change: { kind: 'remove-disk', index: 0 } })).rejects.toThrow(/no disk number 1/);
  });

  it('formats the document as one minimal edit', async () => {
    open = connect();
    const { client } = open;
    const messy = TEXT.replace('  <name>', '<name>');
    client.update(1, messy);
    const edits = await client.request(1, { kind: 'format' });
    expect(edits).toHaveLength(1);
    expect(applyEdits(messy, edits)).toBe(TEXT);
  });

  it("sends the emulator's machine and CPU lists with the form only when they change", async () => {
    open = connect();
    const { client, next } = open;
    client.setHost(hostJson as unknown as HostInfo);
    client.update(1, TEXT);
    const first = await next('derived', 1);
    expect(first.type === 'derived' && first.emulator?.path).toBe('/usr/bin/qemu-system-x86_64');
    expect(first.type === 'derived' && first.emulator?.machines.some((m) => m.alias === 'q35')).toBe(true);
    client.update(2, TEXT.replace('<vcpu>1</vcpu>', '<vcpu>2</vcpu>'));
    const second = await next('derived', 2);
    expect(second.type === 'derived' && 'emulator' in second).toBe(false);
  });

  it('builds the command line in the preview worker, for each newest text', async () => {
    open = connect('preview');
    const { client, next, notifications } = open;
    client.setHost(hostJson as unknown as HostInfo);
    client.update(1, TEXT.replace('<vcpu>1</vcpu>', '<vcpu>2</vcpu>'));
    const preview = await next('command-line', 1);
    expect(preview.type === 'command-line' && preview.commandLine && 'line' in preview.commandLine && preview.commandLine.line).toContain('-smp 2');
    // The preview worker leaves diagnostics to the checks worker.
    expect(notifications.some((n) => n.type === 'diagnostics')).toBe(false);
  });

  it('keeps the last command line, marked stale, while the text does not parse', async () => {
    open = connect('preview');
    const { client, next } = open;
    client.setHost(hostJson as unknown as HostInfo);
    const line = (n: Notification) => (n.type === 'command-line' && n.commandLine && 'line' in n.commandLine ? n.commandLine : undefined);
    client.update(1, TEXT.replace('<vcpu>1</vcpu>', '<vcpu>2</vcpu>'));
    expect(line(await next('command-line', 1))?.stale).toBeUndefined();
    // typing <vcpu>3 before its end tag: the text is broken and its tree a guess
    client.update(2, TEXT.replace('<vcpu>1</vcpu>', '<vcpu>3'));
    const stale = line(await next('command-line', 2));
    expect(stale?.stale).toBe(true);
    expect(stale?.line).toContain('-smp 2');
    client.update(3, TEXT.replace('<vcpu>1</vcpu>', '<vcpu>3</vcpu>'));
    const fresh = line(await next('command-line', 3));
    expect(fresh?.stale).toBeUndefined();
    expect(fresh?.line).toContain('-smp 3');
  });

  it('rejects what is pending when the editor closes', async () => {
    open = connect();
    const { client } = open;
    client.update(1, TEXT);
    const pending = client.request(1, { kind: 'format' });
    client.dispose();
    await expect(pending).rejects.toThrow(/closed/);
  });
});
