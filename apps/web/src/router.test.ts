import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute, type Route } from './router';

describe('routes', () => {
  it.each<[string, Route]>([
    ['', { page: 'dashboard' }],
    ['#/', { page: 'dashboard' }],
    ['#/new', { page: 'new' }],
    ['#/storage', { page: 'storage' }],
    ['#/guest/demo', { page: 'guest', name: 'demo', tab: 'console' }],
    ['#/guest/demo/xml', { page: 'guest', name: 'demo', tab: 'xml' }],
    ['#/guest/my%20vm/events', { page: 'guest', name: 'my vm', tab: 'events' }],
    ['#/guest/demo/bogus', { page: 'not-found', path: '/guest/demo/bogus' }],
    ['#/elsewhere', { page: 'not-found', path: '/elsewhere' }],
  ])('reads %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('writes what it reads', () => {
    for (const route of [{ page: 'dashboard' }, { page: 'new' }, { page: 'storage' }, { page: 'guest', name: 'a/b c', tab: 'graphs' }, { page: 'guest', name: 'x', tab: 'console' }] as Route[]) {
      expect(parseRoute(hrefFor(route))).toEqual(route);
    }
  });
});
