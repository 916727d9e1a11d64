import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning, processesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();
const ROUNDS = 30;

/** Each action raced against a destroy, with the state the guest must be in for the action. */
const RACES = [
  { action: 'resume', from: 'paused' },
  { action: 'suspend', from: 'running' },
  { action: 'reboot', from: 'running' },
] as const;

describe('racing actions', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  const act = (name: string, action: string) => server.api.post<GuestSummary & ErrorBody>(`/api/domains/${name}/${action}`);

  for (const { action, from } of RACES) {
    it(`answers ${action} racing destroy with its result or a 409 that says the state, never a 5xx (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
      const name = `race-${action}`;
      expect((await server.api.post('/api/domains', { xml: demoGuestXml(name, guest) })).status).toBe(201);
      const answers: { status: number; body: GuestSummary & ErrorBody }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        expect((await act(name, 'start')).status).toBe(200);
        if (from === 'paused') expect((await act(name, 'suspend')).status).toBe(200);
        // The action first, so that its QMP command is on its way when the destroy kills QEMU.
        const raced = act(name, action);
        const destroyed = act(name, 'destroy');
        const [answer, destroy] = await Promise.all([raced, destroyed]);
        answers.push(answer);
        expect(destroy.status).toBe(200);
        expect(destroy.body).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
      }
      const statuses = answers.map((a) => a.status);
      const failures = answers.filter((a) => a.status >= 300 && a.status !== 409);
      expect(failures, JSON.stringify(failures.map((a) => a.body))).toEqual([]);
      for (const refused of answers.filter((a) => a.status === 409)) {
        expect(refused.body.code).toBe('conflict');
        expect(refused.body.message).toMatch(/ is (now )?(shutoff|not running)|while it is shutoff/);
      }
      expect(statuses.length).toBe(ROUNDS);
      expect(processesMentioning(`${server.stateDir}/run/${name}/`)).toEqual([]);
    });
  }
});
