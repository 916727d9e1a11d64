import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainSummary, LifecycleEvent } from '../api.js';
import { newGuest, parseDefinition, type Guest } from './guestRecord.js';
import { GuestStates } from './guestState.js';

const XML = "<domain type='qemu'><name>one</name><memory unit='MiB'>64</memory><os><type>hvm</type></os><devices/></domain>";

describe('GuestStates: the one way a guest changes state', () => {
  let stateDir: string;
  let guest: Guest;
  const announced: DomainSummary[] = [];
  const recorded: LifecycleEvent[] = [];
  const states = new GuestStates({ guest: (s) => announced.push(s), lifecycle: (e) => recorded.push(e) });

  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-states-'));
    guest = newGuest(stateDir, 'one', XML, parseDefinition(XML), false);
    await guest.run.create();
    announced.length = 0;
    recorded.length = 0;
  });

  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('announces the new summary, persists status.json, and clears an old error', async () => {
    states.fault(guest, 'the monitor did not answer');
    const at = new Date('2026-01-02T03:04:05.000Z');
    const summary = states.transition(guest, { state: 'paused', reason: 'io-error', at });
    expect(summary).toMatchObject({ name: 'one', state: 'paused', reason: 'io-error', since: at.toISOString() });
    expect(summary.error).toBeUndefined();
    expect(announced.map((s) => [s.state, s.error])).toEqual([
      ['shutoff', 'the monitor did not answer'],
      ['paused', undefined],
    ]);
    await guest.status.flush();
    expect(JSON.parse(await readFile(guest.run.statusFile, 'utf8'))).toEqual({ state: 'paused', reason: 'io-error', since: at.toISOString() });
  });

  it('records lifecycle events with the state they left the guest in', () => {
    states.transition(guest, { state: 'shutoff', reason: 'crashed', error: 'QEMU exited' });
    states.record(guest, 'stopped', 'killed by SIGKILL; crashed');
    expect(recorded).toEqual([expect.objectContaining({ name: 'one', event: 'stopped', state: 'shutoff', reason: 'crashed', detail: 'killed by SIGKILL; crashed' })]);
    expect(guest.events.recent()).toEqual(recorded);
  });
});
