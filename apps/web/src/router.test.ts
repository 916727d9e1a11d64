import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute, type Route } from './router';

describe('routes', () => {
  it.each<[string, Route]>([
    ['', { page: 'dashboard' }],
    ['#/', { page: 'dashboard' }],
    ['#/new', { page: 'new' }],
    ['#/storage', { page: 'storage' }],
    ['#/guest/demo', { page: 'guest', host: 'local', name: 'demo', tab: 'console' }],
    ['#/guest/demo/xml', { page: 'guest', host: 'local', name: 'demo', tab: 'xml' }],
    ['#/guest/my%20vm/events', { page: 'guest', host: 'local', name: 'my vm', tab: 'events' }],
    ['#/guest/demo/bogus', { page: 'not-found', path: '/guest/demo/bogus' }],
    ['#/hosts/rack1/guest/web', { page: 'guest', host: 'rack1', name: 'web', tab: 'console' }],
    ['#/hosts/rack1/guest/web/screen', { page: 'guest', host: 'rack1', name: 'web', tab: 'screen' }],
    ['#/hosts/local/guest/demo/xml', { page: 'guest', host: 'local', name: 'demo', tab: 'xml' }],
    ['#/hosts/rack1', { page: 'not-found', path: '/hosts/rack1' }],
    ['#/hosts/rack1/guest', { page: 'not-found', path: '/hosts/rack1/guest' }],
    ['#/hosts/rack1/guest/web/bogus', { page: 'not-found', path: '/hosts/rack1/guest/web/bogus' }],
    ['#/hosts/rack1/new', { page: 'not-found', path: '/hosts/rack1/new' }],
    ['#/elsewhere', { page: 'not-found', path: '/elsewhere' }],
  ])('reads %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('writes what it reads', () => {
    for (const route of [
      { page: 'dashboard' },
      { page: 'new' },
      { page: 'storage' },
      { page: 'guest', host: 'local', name: 'a/b c', tab: 'graphs' },
      { page: 'guest', host: 'local', name: 'x', tab: 'console' },
      { page: 'guest', host: 'rack 1/2', name: 'a/b c', tab: 'qemu-log' },
      { page: 'guest', host: 'rack1', name: 'x', tab: 'console' },
    ] as Route[]) {
      expect(parseRoute(hrefFor(route))).toEqual(route);
    }
  });

  it("keeps the local host's guest pages where they were, and puts another host's under its id", () => {
    expect(hrefFor({ page: 'guest', host: 'local', name: 'demo', tab: 'console' })).toBe('#/guest/demo');
    expect(hrefFor({ page: 'guest', host: 'local', name: 'demo', tab: 'xml' })).toBe('#/guest/demo/xml');
    expect(hrefFor({ page: 'guest', host: 'rack1', name: 'demo', tab: 'console' })).toBe('#/hosts/rack1/guest/demo');
    expect(hrefFor({ page: 'guest', host: 'rack1', name: 'my vm', tab: 'events' })).toBe('#/hosts/rack1/guest/my%20vm/events');
  });
});
