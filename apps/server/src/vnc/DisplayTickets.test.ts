import { describe, expect, it } from 'vitest';
import { DisplayTickets } from './DisplayTickets.js';

describe('display tickets', () => {
  const clock = { now: 1_000_000 };
  const tickets = new DisplayTickets(5_000, () => clock.now);
  const demo = { host: 'local', name: 'demo' };

  it('open one connection to one guest for one session', () => {
    const { ticket } = tickets.issue(demo, 'session-a');
    expect(tickets.redeem(ticket, demo, 'session-a')).toBeUndefined();
    expect(tickets.redeem(ticket, demo, 'session-a')).toMatch(/unknown or was already used/);
  });

  it('are used up by a refused attempt too', () => {
    const { ticket } = tickets.issue(demo, 'session-a');
    expect(tickets.redeem(ticket, { host: 'local', name: 'other' }, 'session-a')).toMatch(/another guest/);
    expect(tickets.redeem(ticket, demo, 'session-a')).toMatch(/already used/);
    const second = tickets.issue(demo, 'session-a').ticket;
    expect(tickets.redeem(second, demo, 'session-b')).toMatch(/another session/);
  });

  it('are bound to the host too: a guest of the same name on another host is another guest', () => {
    const { ticket } = tickets.issue(demo, 'session-a');
    expect(tickets.redeem(ticket, { host: 'lv', name: 'demo' }, 'session-a')).toMatch(/another guest, not 'demo' of host 'lv'/);
  });

  it('expire after their time', () => {
    const { ticket, expiresInMs } = tickets.issue(demo, 'session-a');
    expect(expiresInMs).toBe(5_000);
    clock.now += 5_000;
    expect(tickets.redeem(ticket, demo, 'session-a')).toMatch(/expired/);
    expect(tickets.redeem(undefined, demo, 'session-a')).toMatch(/needs a ticket/);
  });
});
