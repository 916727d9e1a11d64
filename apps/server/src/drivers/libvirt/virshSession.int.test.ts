import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLibvirtHost, type LibvirtHost } from '../../testing/libvirtHost.js';
import { waitFor } from '../../testing/waitFor.js';
import { VirshError } from './virsh.js';
import { VirshSession } from './virshSession.js';

/**
 * The long-lived virsh of a host (qemu:///system) against a real virsh: what goes in as an
 * argument comes back from `virsh echo` unchanged, whatever it holds; an argument the
 * session cannot carry goes to a virsh of its own; a failed command fails with libvirt's
 * words and the session goes on; a session whose virsh died is started again.
 */
describe('the virsh session of a host', () => {
  let libvirt: LibvirtHost;
  let session: VirshSession;

  beforeAll(async () => {
    libvirt = await startLibvirtHost();
    session = new VirshSession('qemu:///system');
  }, 60_000);
  afterAll(async () => {
    session?.close();
    await libvirt?.close();
  });

  const printable = ['with space', "it's", '"double"', 'semi;colon', '$(id)', '`id`', '#hash', String.raw`back\slash`, '\\', "a'b\"c;d $(e) \\f #g", '--all', `long ${'x'.repeat(2000)}`];

  // After `--` every argument is data, even one that starts with `--`, for a virsh of its own as for the session.
  it('gives every printable argument to virsh as it is, in the one session', async () => {
    const before = { ...session.counts };
    for (const argument of printable) expect(await session.run(['echo', '--', argument])).toBe(argument);
    // Concurrent commands queue and each gets its own answer.
    const answers = await Promise.all(printable.map((argument) => session.run(['echo', '--', argument])));
    expect(answers).toEqual(printable);
    expect(session.counts.spawned).toBe(before.spawned);
    expect(session.counts.session - before.session).toBe(printable.length * 2);
  });

  it('runs a command with an argument it cannot carry in a virsh of its own, with the argument as it is', async () => {
    const before = session.counts.spawned;
    for (const argument of ['new\nline', 'tab\there', 'naïve']) expect(await session.run(['echo', '--', argument])).toBe(argument);
    expect(session.counts.spawned - before).toBe(3);
  });

  it("fails a command with libvirt's words, and answers the next one in the same session", async () => {
    const restarts = session.counts.restarts;
    const failed = await session.run(['dominfo', '--domain', "vdt-no such 'guest'; $(id)"]).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(VirshError);
    expect(failed).toMatchObject({ code: 'not-found', connection: undefined, message: "failed to get domain 'vdt-no such 'guest'; $(id)'" });
    expect(await session.run(['echo', 'after'])).toBe('after');
    expect(session.counts.restarts).toBe(restarts);
  });

  it('starts a new virsh when its virsh died', async () => {
    const pid = session.pid;
    expect(pid).toBeDefined();
    const restarts = session.counts.restarts;
    process.kill(pid as number, 'SIGKILL');
    await waitFor('the session to notice its virsh died', () => (session.pid === undefined ? true : undefined), 30_000);
    expect(await session.run(['echo', 'again'])).toBe('again');
    expect(session.counts.restarts).toBe(restarts + 1);
    expect(session.pid).not.toBe(pid);
    expect(await libvirt.virsh('version')).toContain('libvirt');
  });
});
