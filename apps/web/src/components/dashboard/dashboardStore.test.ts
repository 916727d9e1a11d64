import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from './guestQuery';
import { useDashboardStore } from './dashboardStore';

const state = () => useDashboardStore.getState();

describe('dashboardStore', () => {
  beforeEach(() => useDashboardStore.setState({ query: DEFAULT_QUERY, selected: {}, cpuAtSort: {} }));

  it('changes one part of the query and keeps the rest', () => {
    state().setQuery({ search: 'web' });
    state().setQuery({ state: 'running' });
    expect(state().query).toEqual({ ...DEFAULT_QUERY, search: 'web', state: 'running' });
  });

  it('sorts by a header, turns its direction on the next choice, and keeps the CPU snapshot the CPU sort was chosen with', () => {
    state().sortBy('memory');
    expect(state().query.sort).toEqual({ column: 'memory', direction: 'ascending' });
    state().sortBy('cpu', { 'local/a': 12 });
    expect(state().query.sort).toEqual({ column: 'cpu', direction: 'ascending' });
    state().sortBy('cpu', { 'local/a': 3 });
    expect(state()).toMatchObject({ query: { sort: { column: 'cpu', direction: 'descending' } }, cpuAtSort: { 'local/a': 3 } });
    state().sortBy('name');
    expect(state().cpuAtSort).toEqual({ 'local/a': 3 });
  });

  it('selects one by one, all visible at once, and none when all were selected', () => {
    state().toggle('local/a');
    state().toggle('local/b');
    state().toggle('local/a');
    expect(state().selected).toEqual({ 'local/b': true });
    state().toggleAll(['local/a', 'local/b']);
    expect(state().selected).toEqual({ 'local/a': true, 'local/b': true });
    state().toggleAll(['local/a', 'local/b']);
    expect(state().selected).toEqual({});
  });

  it('drops from the selection what is no longer shown, without a new state when nothing changes', () => {
    state().toggleAll(['local/a', 'local/b']);
    const before = state();
    state().retain(['local/a', 'local/b', 'local/c']);
    expect(state()).toBe(before);
    state().retain(['local/b']);
    expect(state().selected).toEqual({ 'local/b': true });
  });
});
