import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, guestSocketUrl, guestUrl, hostUrl } from './client';

describe('API addresses', () => {
  it("keeps the local host's routes at /api and puts another host's under /api/hosts/ID", () => {
    expect(hostUrl('local', '/validate')).toBe('/api/validate');
    expect(hostUrl('rack1', '/validate')).toBe('/api/hosts/rack1/validate');
    expect(guestUrl('local', 'demo')).toBe('/api/domains/demo');
    expect(guestUrl('local', 'my vm', '/xml')).toBe('/api/domains/my%20vm/xml');
    expect(guestUrl('rack1', 'web', '/start')).toBe('/api/hosts/rack1/domains/web/start');
    // Names are one path segment, whatever they hold.
    expect(guestUrl('rack1', 'a/b?c#d', '/xml')).toBe('/api/hosts/rack1/domains/a%2Fb%3Fc%23d/xml');
  });

  it("opens a guest's sockets on the page's own server, ws or wss as the page is", () => {
    expect(guestSocketUrl('local', 'demo', 'console', { protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api/domains/demo/console');
    expect(guestSocketUrl('rack1', 'web', 'display', { protocol: 'https:', host: 'deck.example' })).toBe('wss://deck.example/api/hosts/rack1/domains/web/display');
  });
});

describe("a guest's calls", () => {
  const calls: string[] = [];
  afterEach(() => {
    vi.unstubAllGlobals();
    calls.length = 0;
  });

  it("every one goes to the guest's host", async () => {
    vi.stubGlobal('fetch', (url: string, init: { method: string }) => {
      calls.push(`${init.method} ${url}`);
      return Promise.resolve(new Response(null, { status: 204 }));
    });
    const host = 'rack1';
    const name = 'web';
    await Promise.all([
      api.guest(host, name),
      api.guestXml(host, name),
      api.guestXml(host, name, { running: true }),
      api.redefine(host, name, '<domain/>'),
      api.undefine(host, name),
      api.act(host, name, 'start'),
      api.setTags(host, name, ['a']),
      api.setAutostart(host, name, true),
      api.commandLine(host, name),
      api.commandLineFor(host, '<domain/>'),
      api.validate(host, '<domain/>'),
      api.history(host, name),
      api.version(host, name, '2026-12-03T08:00:00.000Z'),
      api.qemuLog(host, name),
      api.guestEvents(host, name),
      api.displayTicket(host, name),
      api.typeText(host, name, 'ls\n'),
      api.screenshot(host, name, 320),
    ]);
    expect(calls).toEqual([
      'GET /api/hosts/rack1/domains/web',
      'GET /api/hosts/rack1/domains/web/xml',
      'GET /api/hosts/rack1/domains/web/xml?running=1',
      'PUT /api/hosts/rack1/domains/web/xml',
      'DELETE /api/hosts/rack1/domains/web',
      'POST /api/hosts/rack1/domains/web/start',
      'PUT /api/hosts/rack1/domains/web/tags',
      'PUT /api/hosts/rack1/domains/web/autostart',
      'GET /api/hosts/rack1/domains/web/argv',
      'POST /api/hosts/rack1/argv',
      'POST /api/hosts/rack1/validate',
      'GET /api/hosts/rack1/domains/web/history',
      'GET /api/hosts/rack1/domains/web/history/2026-12-03T08%3A00%3A00.000Z',
      'GET /api/hosts/rack1/domains/web/qemu-log',
      'GET /api/hosts/rack1/domains/web/events',
      'POST /api/hosts/rack1/domains/web/display-ticket',
      'POST /api/hosts/rack1/domains/web/type-text',
      'GET /api/hosts/rack1/domains/web/screenshot?width=320',
    ]);
  });
});
