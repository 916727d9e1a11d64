import { describe, expect, it } from 'vitest';
import { guestSummary } from '../../testing/guestSummary';
import { allTags, DEFAULT_QUERY, queryGuests, toggleSort, type GuestQuery } from './guestQuery';

const guests = [
  guestSummary('web10', { state: 'running', tags: ['web', 'eu'], memoryKiB: 131072, title: 'Front end' }),
  guestSummary('web9', { state: 'shutoff', tags: ['web'], memoryKiB: 65536, vcpus: 2 }),
  guestSummary('db', { state: 'running', tags: ['db'], memoryKiB: 262144, description: 'Postgres primary for the shop', host: 'rack2' }),
  guestSummary('cache', { state: 'crashed', vcpus: 4 }),
];
const names = (query: Partial<GuestQuery>) => queryGuests(guests, { ...DEFAULT_QUERY, ...query }).map((g) => g.name);

describe('queryGuests', () => {
  it('sorts names as people read them (web9 before web10) and keeps every guest without filters', () => {
    expect(names({})).toEqual(['cache', 'db', 'web9', 'web10']);
  });

  it('searches name, title and description, every word, ignoring case', () => {
    expect(names({ search: 'FRONT' })).toEqual(['web10']);
    expect(names({ search: 'postgres shop' })).toEqual(['db']);
    expect(names({ search: 'postgres web' })).toEqual([]);
    expect(names({ search: '  web ' })).toEqual(['web9', 'web10']);
  });

  it('filters by state, tag and host, together', () => {
    expect(names({ state: 'running' })).toEqual(['db', 'web10']);
    expect(names({ tag: 'web' })).toEqual(['web9', 'web10']);
    expect(names({ tag: 'web', state: 'running' })).toEqual(['web10']);
    expect(names({ host: 'rack2' })).toEqual(['db']);
    expect(names({ tag: 'nothing' })).toEqual([]);
  });

  it('sorts by any column both ways, ties by name', () => {
    expect(names({ sort: { column: 'memory', direction: 'descending' } })).toEqual(['cache', 'db', 'web10', 'web9']);
    expect(names({ sort: { column: 'vcpus', direction: 'ascending' } })).toEqual(['db', 'web10', 'web9', 'cache']);
    expect(names({ sort: { column: 'state', direction: 'ascending' } })).toEqual(['cache', 'db', 'web10', 'web9']);
    expect(names({ sort: { column: 'host', direction: 'descending' } })).toEqual(['db', 'cache', 'web9', 'web10']);
  });

  it('sorts by tags tag by tag, the untagged after the tagged, and reverses that', () => {
    expect(names({ sort: { column: 'tags', direction: 'ascending' } })).toEqual(['db', 'web10', 'web9', 'cache']);
    expect(names({ sort: { column: 'tags', direction: 'descending' } })).toEqual(['cache', 'web9', 'web10', 'db']);
  });

  it('sorts by the CPU use of the snapshot it is given, guests not in it below 0 %, ties by name', () => {
    const cpu = { 'local/web10': 0, 'rack2/db': 37.5 };
    expect(queryGuests(guests, { ...DEFAULT_QUERY, sort: { column: 'cpu', direction: 'descending' } }, cpu).map((g) => g.name)).toEqual(['db', 'web10', 'cache', 'web9']);
    expect(queryGuests(guests, { ...DEFAULT_QUERY, sort: { column: 'cpu', direction: 'ascending' } }, cpu).map((g) => g.name)).toEqual(['cache', 'web9', 'web10', 'db']);
    // Without a snapshot every guest ties: the order is by name.
    expect(names({ sort: { column: 'cpu', direction: 'descending' } })).toEqual(['cache', 'db', 'web9', 'web10']);
  });

  it('lists the tags once, and a header click sorts by its column or turns the direction', () => {
    expect(allTags(guests)).toEqual(['db', 'eu', 'web']);
    expect(toggleSort({ column: 'name', direction: 'ascending' }, 'name')).toEqual({ column: 'name', direction: 'descending' });
    expect(toggleSort({ column: 'name', direction: 'descending' }, 'memory')).toEqual({ column: 'memory', direction: 'ascending' });
  });
});
